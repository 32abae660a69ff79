"""The planning service: FastAPI app, job workers, the store and access tokens.

``create_app(settings)`` in :mod:`tuoyu.api.service.app` builds the app; ``tuoyu serve``
runs it under uvicorn.
"""
