"""Reading users' files while keeping the source position of every value."""

from mi_courseware.core.positions import SourceMap
from mi_courseware.loading.markdown_file import MarkdownFile, load_markdown
from mi_courseware.loading.yaml_file import load_yaml, load_yaml_text

__all__ = ["MarkdownFile", "SourceMap", "load_markdown", "load_yaml", "load_yaml_text"]
