"""The breach register and the dashboard are the data-protection officer's.

Customer service holds no permission of this app: the admin index shows them the part of the
dashboard about the requests they process (``breaches.dashboard``).
"""
