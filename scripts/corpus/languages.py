"""A file's language from its name (and, for headers and scripts without an extension, its content)."""
import os
import re

LANGUAGES = ('python', 'typescript', 'javascript', 'go', 'rust', 'java', 'c', 'cpp', 'shell')

_BY_EXTENSION = {
    '.py': 'python',
    '.ts': 'typescript', '.tsx': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
    '.js': 'javascript', '.jsx': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript',
    '.go': 'go', '.rs': 'rust', '.java': 'java',
    '.c': 'c',
    '.cc': 'cpp', '.cpp': 'cpp', '.cxx': 'cpp', '.c++': 'cpp', '.hpp': 'cpp', '.hh': 'cpp', '.hxx': 'cpp',
    '.ipp': 'cpp', '.tcc': 'cpp', '.inl': 'cpp',
    '.sh': 'shell', '.bash': 'shell',
}
_SHELL_SHEBANG = re.compile(rb'^#!\s*(/usr)?(/local)?/bin/(env\s+)?(ba|da|k)?sh\b')
_CPP_MARKERS = re.compile(r'^\s*(namespace\s+\w+|template\s*<|class\s+\w+[^;]*\{|using\s+namespace\b)|\bstd::|'
                          r'^\s*(public|private|protected):', re.M)


def language_of_name(path):
    """Language from the file name alone; '.h' -> 'header' (decided by content), None if not code."""
    name = os.path.basename(path)
    ext = os.path.splitext(name)[1].lower()
    if ext == '.h':
        return 'header'
    return _BY_EXTENSION.get(ext)


def is_shell_script(first_bytes):
    return bool(_SHELL_SHEBANG.match(first_bytes))


def header_language(text):
    """C or C++ for a .h file: C++ when it uses namespaces, templates, classes or std::."""
    return 'cpp' if _CPP_MARKERS.search(text) else 'c'
