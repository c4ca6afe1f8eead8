"""The books over GraphQL: accounts, journal transactions, balances, trial balance."""
