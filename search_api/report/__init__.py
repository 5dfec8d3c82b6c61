"""The hearing summary, stance matrix and heatmap in HTML, Markdown, DOCX, XLSX and CSV."""
