"""The books: chart of accounts, journal, postings that follow the business, balances."""
