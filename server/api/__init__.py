"""The HTTP API: one router per resource, each included explicitly by `policykg.app.create_app`.
"""
