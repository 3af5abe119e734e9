"""One coherent look: a light and a dark palette and one stylesheet that reads from them."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from ..store.paths import resources_dir


@dataclass(frozen=True)
class Colors:
    window: str
    surface: str  # cards, inputs
    sidebar: str
    text: str
    muted: str
    border: str
    accent: str
    accent_text: str
    good: str
    almost: str
    bad: str


LIGHT = Colors(
    window="#F6F7FB",
    surface="#FFFFFF",
    sidebar="#EEF0F7",
    text="#1C2033",
    muted="#5E6478",
    border="#DADDE8",
    accent="#4F46E5",
    accent_text="#FFFFFF",
    good="#15803D",
    almost="#B45309",
    bad="#B91C1C",
)
DARK = Colors(
    window="#16181F",
    surface="#1F222C",
    sidebar="#1A1C24",
    text="#E8EAF2",
    muted="#9AA0B4",
    border="#2E3240",
    accent="#8B85FF",
    accent_text="#0F1020",
    good="#4ADE80",
    almost="#FBBF24",
    bad="#F87171",
)


def resolve(theme: str) -> Colors:
    """'light', 'dark' or 'system' (the operating system's colour scheme)."""
    if theme == "system":
        hints = QGuiApplication.styleHints()
        theme = "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"
    return DARK if theme == "dark" else LIGHT


def palette(c: Colors) -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.window,
        QPalette.ColorRole.WindowText: c.text,
        QPalette.ColorRole.Base: c.surface,
        QPalette.ColorRole.AlternateBase: c.sidebar,
        QPalette.ColorRole.Text: c.text,
        QPalette.ColorRole.Button: c.surface,
        QPalette.ColorRole.ButtonText: c.text,
        QPalette.ColorRole.Highlight: c.accent,
        QPalette.ColorRole.HighlightedText: c.accent_text,
        QPalette.ColorRole.PlaceholderText: c.muted,
        QPalette.ColorRole.ToolTipBase: c.surface,
        QPalette.ColorRole.ToolTipText: c.text,
        QPalette.ColorRole.Mid: c.border,
        QPalette.ColorRole.Midlight: c.border,
        QPalette.ColorRole.Link: c.accent,
    }
    for role, value in roles.items():
        p.setColor(role, QColor(value))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(c.muted))
    return p


def stylesheet(c: Colors) -> str:
    icons = (resources_dir() / "icons").as_posix()
    return f"""
    QWidget {{ font-size: 10.5pt; }}
    QMainWindow, QDialog {{ background: {c.window}; }}
    #Sidebar {{ background: {c.sidebar}; border-right: 1px solid {c.border}; }}
    #Sidebar QListWidget {{ background: transparent; border: none; outline: none; }}
    #Sidebar QListWidget::item {{ padding: 9px 14px; margin: 2px 8px; border-radius: 8px;
        color: {c.text}; }}
    #Sidebar QListWidget::item:selected {{ background: {c.accent}; color: {c.accent_text}; }}
    #Sidebar QListWidget::item:hover:!selected {{ background: {c.border}; }}
    #ProfileList {{ background: {c.surface}; border: 1px solid {c.border}; border-radius: 8px;
        outline: none; }}
    #ProfileList::item {{ padding: 10px 12px; border-radius: 6px; margin: 2px; }}
    #ProfileList::item:selected {{ background: {c.accent}; color: {c.accent_text}; }}
    #AppTitle {{ font-size: 15pt; font-weight: 700; padding: 16px 18px 8px 18px; color: {c.text}; }}
    #WhoAmI {{ color: {c.muted}; padding: 0 18px 12px 18px; }}
    #PageTitle {{ font-size: 19pt; font-weight: 700; color: {c.text}; }}
    #Subtle, QLabel[role="subtle"] {{ color: {c.muted}; }}
    #Card, QFrame[role="card"] {{ background: {c.surface}; border: 1px solid {c.border};
        border-radius: 12px; }}
    QLabel[role="big"] {{ font-size: 30pt; font-weight: 700; color: {c.text}; }}
    QLabel[role="prompt"] {{ font-size: 18pt; font-weight: 600; color: {c.text}; }}
    QLabel[role="good"] {{ color: {c.good}; font-weight: 700; }}
    QLabel[role="almost"] {{ color: {c.almost}; font-weight: 700; }}
    QLabel[role="bad"] {{ color: {c.bad}; font-weight: 700; }}
    QLabel[role="hint"] {{ color: {c.almost}; }}
    QPushButton {{ background: {c.surface}; color: {c.text}; border: 1px solid {c.border};
        border-radius: 8px; padding: 7px 16px; min-height: 20px; }}
    QPushButton:hover {{ border-color: {c.accent}; }}
    QPushButton:focus {{ border: 2px solid {c.accent}; }}
    QPushButton:disabled {{ color: {c.muted}; background: {c.window}; }}
    QPushButton[role="primary"] {{ background: {c.accent}; color: {c.accent_text};
        border: 1px solid {c.accent}; font-weight: 600; }}
    QPushButton[role="primary"]:disabled {{ background: {c.border}; border-color: {c.border}; }}
    QPushButton[role="rating"] {{ padding: 10px 8px; min-width: 92px; }}
    QPushButton[role="danger"] {{ color: {c.bad}; border-color: {c.bad}; font-weight: 600; }}
    QLineEdit, QPlainTextEdit, QComboBox, QSpinBox, QDoubleSpinBox {{ background: {c.surface};
        color: {c.text}; border: 1px solid {c.border}; border-radius: 8px; padding: 6px 8px; }}
    QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QSpinBox:focus,
    QDoubleSpinBox:focus {{ border: 2px solid {c.accent}; }}
    QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right;
        width: 26px; border: none; }}
    QComboBox::down-arrow {{ image: url({icons}/chevron-down.svg); width: 12px; height: 12px; }}
    QComboBox QAbstractItemView {{ background: {c.surface}; color: {c.text};
        selection-background-color: {c.accent}; selection-color: {c.accent_text};
        border: 1px solid {c.border}; }}
    QSpinBox::up-button, QDoubleSpinBox::up-button {{ subcontrol-origin: border;
        subcontrol-position: top right; width: 24px; border: none; }}
    QSpinBox::down-button, QDoubleSpinBox::down-button {{ subcontrol-origin: border;
        subcontrol-position: bottom right; width: 24px; border: none; }}
    QSpinBox::up-arrow, QDoubleSpinBox::up-arrow {{ image: url({icons}/chevron-up.svg);
        width: 10px; height: 10px; }}
    QSpinBox::down-arrow, QDoubleSpinBox::down-arrow {{ image: url({icons}/chevron-down.svg);
        width: 10px; height: 10px; }}
    QLineEdit[role="answer"] {{ font-size: 14pt; padding: 10px 12px; }}
    QProgressBar {{ background: {c.border}; border: none; border-radius: 5px; height: 10px;
        max-height: 10px; text-align: center; color: transparent; }}
    QProgressBar::chunk {{ background: {c.accent}; border-radius: 5px; }}
    QStatusBar {{ color: {c.muted}; }}
    QToolTip {{ background: {c.surface}; color: {c.text}; border: 1px solid {c.border};
        padding: 4px; }}
    QScrollArea {{ background: transparent; border: none; }}
    QGroupBox {{ border: 1px solid {c.border}; border-radius: 12px; margin-top: 14px;
        padding: 14px 12px 10px 12px; background: {c.surface}; font-weight: 600; }}
    QGroupBox::title {{ subcontrol-origin: margin; left: 12px; padding: 0 4px; color: {c.text}; }}
    """


def apply(app: QApplication, theme: str) -> Colors:
    colors = resolve(theme)
    app.setStyle("Fusion")
    app.setPalette(palette(colors))
    app.setStyleSheet(stylesheet(colors))
    return colors
