"""Is a Debian source package permissively licensed? Read from its machine-readable debian/copyright:
both the upstream files (`Files: *`) and the packaging (`Files: debian/*`, which debian/patches belong
to; absent means the same as `Files: *`) must be under a permissive license."""
import re

PERMISSIVE = {
    'mit', 'expat', 'x11', 'isc', 'bsd-2-clause', 'bsd-3-clause', 'bsd-4-clause', 'bsd', '0bsd', 'apache-2.0',
    'apache-2', 'zlib', 'psf-2', 'psf-2.0', 'python', 'python-2.0', 'psf', 'curl', 'postgresql', 'public-domain',
    'unlicense', 'bsl-1.0', 'boost', 'libpng', 'libpng-2.0', 'ijg', 'libtiff', 'mit-style', 'bsd-like', 'bsd-style',
    'ftl', 'openssl', 'ssleay', 'cc0', 'cc0-1.0', 'ncsa', 'wtfpl', 'bzip2', 'x11-style', 'mit/x11', 'hpnd', 'sqlite',
}


_PERMISSIVE_FAMILIES = re.compile(r'^(mit|expat|bsd|apache|isc|zlib|psf|pd\b|public.domain|boost|bsl|x11)')
# names some packages use for a permissive license of their own
_PERMISSIVE_ALIASES = {'go': 'bsd-3-clause', 'openssh': 'bsd-style', 'hylafax': 'libtiff', 'permissive': 'mit-style'}


def _is_permissive_one(name):
    n = name.strip().lower()
    n = re.sub(r'\s+with\s+.*exceptions?.*$|-llvm-exceptions?$', '', n)  # e.g. Apache-2.0 with LLVM exception
    n = n.split('~')[0].rstrip('+')
    n = _PERMISSIVE_ALIASES.get(n, n)
    if n.startswith(('gpl', 'lgpl', 'agpl', 'mpl', 'epl', 'cddl', 'gfdl', 'artistic', 'gap')):
        return False
    return n in PERMISSIVE or bool(_PERMISSIVE_FAMILIES.match(n))


def is_permissive(expr):
    """DEP-5 license expression: `a or b` needs one permissive choice, `a and b` needs all."""
    expr = expr.strip()
    if not expr:
        return False
    if ' and ' in expr.lower():
        return all(is_permissive(p) for p in re.split(r'(?i)\s+and\s+', expr))
    return any(_is_permissive_one(p) for p in re.split(r'(?i)\s+or\s+|,', expr))


def paragraphs(text):
    out = []
    for para in re.split(r'\n\s*\n', text):
        fields, key = {}, None
        for line in para.splitlines():
            if line[:1] in (' ', '\t') and key:
                continue
            if ':' in line:
                key, v = line.split(':', 1)
                key = key.strip().lower()
                fields[key] = v.strip()
        if fields:
            out.append(fields)
    return out


def package_license_ok(copyright_text):
    """(ok, info) where info = {'upstream','packaging','permissive','summary'}."""
    paras = paragraphs(copyright_text)
    machine = bool(paras) and 'format' in paras[0]
    up = pk = None
    for p in paras:
        files = p.get('files', '').split()
        if '*' in files and up is None:
            up = p.get('license', '')
        if any(f in ('debian/*', 'debian/') for f in files):
            pk = p.get('license', '')
    if pk is None:
        pk = up
    ok = machine and up is not None and is_permissive(up) and is_permissive(pk or '')
    return ok, {'upstream': up, 'packaging': pk, 'permissive': ok, 'machine_readable': machine,
                'summary': 'upstream=%s packaging=%s' % (up, pk)}
