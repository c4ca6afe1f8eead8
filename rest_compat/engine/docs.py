"""`/docs`: a readable reference of a contract (Swagger UI), served with its own assets.

The JavaScript and CSS are vendored in `docs_assets/` (swagger-ui-dist, pinned; see VERSION
there), so the page works with no network. It reads the contract's `openapi.json` next to it.
"""

from __future__ import annotations

import html
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Route

ASSETS = Path(__file__).with_name("docs_assets")
_FILES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
}
_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{base}/docs/assets/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="{base}/docs/assets/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: "{base}/openapi.json",
  dom_id: "#reference",
  deepLinking: true,
  validatorUrl: null,
  defaultModelsExpandDepth: 1
}});
</script>
</body>
</html>
"""


def _base(request: Request) -> str:
    """The contract's mount point as the client sees it (`/rest/yaoka`, or `` on its host)."""
    path = request.url.path
    return path[: -len("/docs")] if path.endswith("/docs") else path.rsplit("/docs/", 1)[0]


def docs_routes(title: str) -> list[BaseRoute]:
    async def page(request: Request) -> Response:
        base = html.escape(_base(request), quote=True)
        return HTMLResponse(_PAGE.format(title=html.escape(title), base=base))

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _FILES:
            return Response("Not found", status_code=404, media_type="text/plain")
        return FileResponse(
            ASSETS / name,
            media_type=_FILES[name],
            headers={"Cache-Control": "public, max-age=86400"},
        )

    return [
        Route("/docs", page, methods=["GET"]),
        Route("/docs/assets/{name}", asset, methods=["GET"]),
    ]
