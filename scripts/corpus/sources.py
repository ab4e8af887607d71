"""Where candidate files come from: files installed by Debian packages (including the JDK's src.zip),
and npm packages installed into a scratch folder. Every candidate carries its package's licence.

A candidate is a plain tuple so it crosses process boundaries cheaply:
    (source, path, package_licence, location, from_npm)
location is a file path, or 'zip:<archive>!<member>' for a member of a zip archive.
"""
import json
import os
import subprocess
import zipfile

from . import languages, licences

HERE = os.path.dirname(os.path.abspath(__file__))
DPKG_INFO = '/var/lib/dpkg/info'
# Besides the listed packages, their installed dependencies of these families are read too (the same
# list always installs the same ones).
DEPENDENCY_FAMILIES = ('python3-', 'librust-', 'golang-', 'libpython3')


def read_package_list(path):
    names = []
    with open(path) as f:
        for line in f:
            line = line.split('#')[0].strip()
            if line:
                names.extend(line.split())
    return names


def installed_debian_packages():
    out = subprocess.run(['dpkg-query', '-W', '-f=${Package}\t${db:Status-Status}\n'],
                         capture_output=True, text=True, check=True).stdout
    return {p for p, st in (line.split('\t') for line in out.splitlines() if '\t' in line) if st == 'installed'}


def _dpkg_files(package):
    for name in (f'{package}.list', f'{package}:amd64.list', f'{package}:arm64.list'):
        p = os.path.join(DPKG_INFO, name)
        if os.path.exists(p):
            with open(p) as f:
                return [line.rstrip('\n') for line in f]
    return []


def _doc_package(package):
    """Debian sometimes symlinks /usr/share/doc/<pkg> to the source package's folder."""
    d = os.path.join('/usr/share/doc', package)
    return os.path.basename(os.path.realpath(d)) if os.path.islink(d) else package


def _code_language(path):
    """Language from the name, or 'maybe-shell' for an extension-less file that may be a script."""
    lang = languages.language_of_name(path)
    if lang:
        return lang
    name = os.path.basename(path)
    if '.' not in name and ('/bin/' in path or '/scripts/' in path or '/examples/' in path):
        return 'maybe-shell'
    return None


def debian_candidates(package_list_file=os.path.join(HERE, 'debian-packages.txt')):
    """Candidates from the listed Debian packages that are installed, plus their dependency families.
    Yields (candidate, None) or (None, (package, 'not_installed'))."""
    listed = read_package_list(package_list_file)
    installed = installed_debian_packages()
    packages = sorted({p for p in listed if p in installed} |
                      {p for p in installed if p.startswith(DEPENDENCY_FAMILIES)})
    missing = sorted(p for p in listed if p not in installed)
    seen = set()
    for package in packages:
        licence = licences.debian_package_licence(_doc_package(package))
        source = f'debian:{package}'
        for path in sorted(_dpkg_files(package)):
            if path.endswith('/src.zip') and '/jvm/' in path:
                yield from _zip_candidates(source, path, licence)
                continue
            if not _code_language(path) or not os.path.isfile(path) or os.path.islink(path):
                continue
            real = os.path.realpath(path)
            if real in seen:
                continue
            seen.add(real)
            yield (source, path, licence, path, False)
    for p in missing:
        print(f'note: listed Debian package not installed: {p}')


def _zip_candidates(source, archive, licence):
    with zipfile.ZipFile(archive) as z:
        for info in sorted(z.infolist(), key=lambda i: i.filename):
            if not info.is_dir() and languages.language_of_name(info.filename):
                yield (f'{source} (src.zip)', f'{archive}!/{info.filename}', licence,
                       f'zip:{archive}!{info.filename}', False)


def _npm_package_dirs(node_modules):
    for name in sorted(os.listdir(node_modules)):
        p = os.path.join(node_modules, name)
        if name.startswith('.') or not os.path.isdir(p):
            continue
        if name.startswith('@'):
            for sub in sorted(os.listdir(p)):
                if os.path.isdir(os.path.join(p, sub)):
                    yield f'{name}/{sub}', os.path.join(p, sub)
        else:
            yield name, p


def npm_candidates(root):
    """Candidates from every package installed under root/node_modules (the listed ones and their
    dependencies); the licence is each package's own package.json's."""
    node_modules = os.path.join(root, 'node_modules')
    if not os.path.isdir(node_modules):
        print(f'note: no npm packages at {node_modules} (run install-npm-packages.sh)')
        return
    for name, pdir in _npm_package_dirs(node_modules):
        try:
            with open(os.path.join(pdir, 'package.json')) as f:
                meta = json.load(f)
        except (OSError, ValueError):
            meta = {}
        licence = licences.npm_licence(meta)
        source = f'npm:{name}@{meta.get("version", "?")}'
        for dirpath, dirnames, filenames in os.walk(pdir):
            dirnames.sort()
            for fn in sorted(filenames):
                full = os.path.join(dirpath, fn)
                rel = os.path.relpath(full, root)
                if _code_language(rel) and not os.path.islink(full):
                    yield (source, rel, licence, full, True)


def read_bytes(location, _zips={}):
    if location.startswith('zip:'):
        archive, member = location[4:].split('!', 1)
        z = _zips.get(archive)
        if z is None:
            z = _zips[archive] = zipfile.ZipFile(archive)
        return z.read(member)
    with open(location, 'rb') as f:
        return f.read()


def size_of(location):
    if location.startswith('zip:'):
        return None
    return os.path.getsize(location)
