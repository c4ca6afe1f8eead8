"""OAuth 2 connections to outside services (authorization code + PKCE, via authlib)."""
