# The project's ``requests`` app shadows the PyPI library of that name, which Django REST framework
# uses only for an optional test client: tell it the library is absent before anything imports it.
import rest_framework.compat

rest_framework.compat.requests = None
