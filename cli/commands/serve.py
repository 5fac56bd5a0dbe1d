"""`plan-assistant serve`: the web app. The server answers at once; the first start (model file, sample library,
LLM) is prepared in the background while the page shows its progress."""

from __future__ import annotations

from cli.main import print_json
from core.errors import AssistantError
from assistant.services import Services
from core.settings import get_settings


def register(subparsers) -> None:
    parser = subparsers.add_parser("serve", help="Chạy ứng dụng web / run the web app")
    parser.add_argument("--host", default=None, help="địa chỉ lắng nghe (mặc định theo cấu hình, 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="cổng (mặc định theo cấu hình, 7860)")
    parser.add_argument("--json", action="store_true", help="in địa chỉ dạng JSON khi đã chạy")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from ui.app import build_app, launch_options
    from ui.startup import Startup

    settings = get_settings()
    updates = {name: value for name, value in (("host", args.host), ("port", args.port)) if value}
    settings = settings.model_copy(update=updates) if updates else settings
    services = Services(settings)
    startup = Startup()
    startup.start(services)
    demo = build_app(services, startup)
    demo.queue(default_concurrency_limit=8)
    url = f"http://{settings.host}:{settings.port}"
    if args.json:
        print_json({"url": url, "data_dir": str(settings.home), "auth": bool(settings.auth_user)})
    else:
        print(f"Trợ lý Kế hoạch Thi đua: {url}  (Ctrl+C để dừng / to stop)", flush=True)
    try:
        demo.launch(quiet=True, **launch_options(settings))
    except OSError as error:
        raise AssistantError(f"Không mở được cổng {settings.port} (đang được dùng?), hãy chọn cổng khác bằng --port.",
                             f"Cannot listen on port {settings.port}.", detail=str(error)) from error
    return 0
