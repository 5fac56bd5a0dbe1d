"""Gradio web app: Hỏi đáp, Soạn kế hoạch, Thư viện tài liệu, Trạng thái."""
