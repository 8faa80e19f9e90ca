/**
 * The Python side of the PEP 517 hook runner (https://peps.python.org/pep-0517/), run as a
 * script with the build environment's interpreter and the source tree as the working directory:
 *
 *     python <shim> <hook> <request.json> <response.json>
 *
 * The request is `{backend, backend_path, args}`; the response is one of
 * `{"status": "ok", "value": …}`, `{"status": "missing-hook"}` (an optional hook the backend
 * lacks, with no defined fallback), `{"status": "backend-unavailable", "traceback"}`,
 * `{"status": "backend-invalid", "message"}` or `{"status": "hook-failed", "traceback"}`.
 * The backend's own stdout and stderr stay free for its output.
 *
 * As PEP 517 says, the source tree is not put on `sys.path` (the script's own directory, which
 * Python puts first, is removed; in-tree backends use `backend-path`, which is prepended), and
 * with `backend-path` the backend must be loaded from one of those directories. Optional hooks
 * that are missing fall back as the PEP defines: `get_requires_for_build_*` → `[]`. Plain
 * Python 3.6+ (no walrus, no `str.removeprefix`), so any interpreter a build may use runs it.
 */
export const HOOK_SHIM = `\
import importlib
import json
import os
import sys
import traceback

FALLBACKS = {
    "get_requires_for_build_wheel": [],
    "get_requires_for_build_editable": [],
}


class BackendInvalid(Exception):
    pass


def load_backend(spec, backend_path):
    module_name, _, object_path = spec.partition(":")
    module = importlib.import_module(module_name)
    if backend_path:
        location = os.path.abspath(getattr(module, "__file__", "") or "")
        roots = [os.path.abspath(p) for p in backend_path]
        if not any(location.startswith(os.path.join(root, "")) for root in roots):
            raise BackendInvalid(
                "backend %r was loaded from %r, not from its backend-path %r"
                % (spec, location, backend_path)
            )
    backend = module
    if object_path:
        for part in object_path.split("."):
            backend = getattr(backend, part)
    return backend


def main():
    hook_name, request_path, response_path = sys.argv[1:4]
    del sys.path[0]
    with open(request_path, encoding="utf-8") as f:
        request = json.load(f)
    sys.path[:0] = request["backend_path"]

    def respond(response):
        with open(response_path, "w", encoding="utf-8") as f:
            json.dump(response, f)

    try:
        backend = load_backend(request["backend"], request["backend_path"])
    except BackendInvalid as e:
        return respond({"status": "backend-invalid", "message": str(e)})
    except Exception:
        return respond({"status": "backend-unavailable", "traceback": traceback.format_exc()})
    hook = getattr(backend, hook_name, None)
    if hook is None:
        if hook_name in FALLBACKS:
            return respond({"status": "ok", "value": FALLBACKS[hook_name]})
        return respond({"status": "missing-hook"})
    try:
        value = hook(**request["args"])
    except BaseException:
        traceback.print_exc()
        return respond({"status": "hook-failed", "traceback": traceback.format_exc()})
    respond({"status": "ok", "value": value})


main()
`;
