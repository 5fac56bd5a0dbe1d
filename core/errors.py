"""Typed errors that carry a Vietnamese message for the UI and an English one for logs and the command line."""

from __future__ import annotations


class AssistantError(Exception):
    """Base of every error the user may see; never shown as a stack trace."""

    message_vi: str = "Đã xảy ra lỗi."
    message_en: str = "An error occurred."

    def __init__(self, message_vi: str | None = None, message_en: str | None = None, *, detail: str = ""):
        self.message_vi = message_vi or self.message_vi
        self.message_en = message_en or self.message_en
        self.detail = detail
        super().__init__(self.message_en)

    def for_cli(self) -> str:
        return f"{self.message_vi} ({self.message_en})"


class DocumentError(AssistantError):
    """A file could not be ingested; the rest of the batch goes on."""

    message_vi = "Không đọc được tệp."
    message_en = "The file could not be read."


class UnsupportedFileError(DocumentError):
    message_vi = "Định dạng tệp không được hỗ trợ (chỉ nhận PDF, DOCX, DOC, ODT, HTML, TXT, MD)."
    message_en = "Unsupported file type (PDF, DOCX, DOC, ODT, HTML, TXT, MD only)."


class EmptyFileError(DocumentError):
    message_vi = "Tệp rỗng, không có nội dung để đưa vào thư viện."
    message_en = "The file is empty."


class FileTooLargeError(DocumentError):
    message_vi = "Tệp vượt quá dung lượng cho phép."
    message_en = "The file exceeds the size limit."


class CorruptFileError(DocumentError):
    message_vi = "Tệp bị hỏng hoặc không đúng định dạng, không đọc được."
    message_en = "The file is corrupt or not in the format its name says."


class EncryptedFileError(DocumentError):
    message_vi = "Tệp được đặt mật khẩu, hãy gỡ mật khẩu rồi tải lại."
    message_en = "The file is password-protected."


class NoTextLayerError(DocumentError):
    message_vi = "PDF là bản quét, không có lớp văn bản (cần OCR trước khi đưa vào thư viện)."
    message_en = "The PDF is a scan with no text layer (needs OCR)."


class MissingToolError(DocumentError):
    """A file needs a program this machine lacks (Tesseract for scans, LibreOffice for .doc/.odt)."""

    message_vi = "Máy chưa cài chương trình cần để đọc tệp này (hãy chạy scripts/setup.sh)."
    message_en = "A program needed to read this file is not installed (run scripts/setup.sh)."


class OcrLimitError(DocumentError):
    message_vi = "Tệp quét vượt giới hạn nhận dạng OCR (số trang hoặc thời gian), không đưa vào thư viện."
    message_en = "The scanned file exceeds the OCR page or time limit."


class ConversionError(DocumentError):
    message_vi = "LibreOffice không chuyển được tệp sang DOCX (tệp hỏng hoặc không đúng định dạng)."
    message_en = "LibreOffice could not convert the file to DOCX (corrupt or not what its name says)."


class NoArticleTextError(DocumentError):
    message_vi = "Trang HTML không có nội dung bài viết (chỉ có menu, chân trang, liên kết), không đưa vào thư viện."
    message_en = "The HTML page has no article text (only menus, footers, links)."


class DocumentNotFoundError(AssistantError):
    message_vi = "Không tìm thấy tài liệu này trong thư viện."
    message_en = "No such document in the library."


class InvalidQuestionError(AssistantError):
    message_vi = "Câu hỏi không hợp lệ."
    message_en = "Invalid question."


class ModelUnavailableError(AssistantError):
    message_vi = "Chưa có mô hình ngôn ngữ (hãy chạy bước cài đặt mô hình)."
    message_en = "The language model is not available (run the model setup step)."


class LLMServiceError(AssistantError):
    message_vi = "Máy chủ mô hình ngôn ngữ không phản hồi, vui lòng thử lại sau."
    message_en = "The language-model server did not answer."


class IndexUnavailableError(AssistantError):
    message_vi = "Không kết nối được kho chỉ mục tài liệu."
    message_en = "The document index is unavailable."


class DraftInputError(AssistantError):
    message_vi = "Thông tin soạn kế hoạch chưa đủ."
    message_en = "The drafting request is incomplete."


class DataTableError(AssistantError):
    """A data table the user extends (`roles.toml`, `superseded.toml` in the data directory) cannot be read."""

    message_vi = "Không đọc được bảng dữ liệu trong thư mục dữ liệu (roles.toml, superseded.toml)."
    message_en = "A data table in the data directory (roles.toml, superseded.toml) cannot be read."


class HistoryError(AssistantError):
    """Conversation, draft or feedback history could not be read or written (`assistant.history`)."""

    message_vi = "Không đọc/ghi được lịch sử và phản hồi trong thư mục dữ liệu."
    message_en = "The history and feedback store could not be read or written."


class HistoryNotFoundError(HistoryError):
    message_vi = "Không tìm thấy mục này trong lịch sử của bạn (có thể đã bị xóa)."
    message_en = "No such item in your history (it may have been deleted)."
