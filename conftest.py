pytest_plugins = [
    "doudi.accounts.tests.fixtures",
    "doudi.registry.tests.fixtures",
]
