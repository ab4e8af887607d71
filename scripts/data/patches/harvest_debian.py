"""Harvests real, described code changes from Debian source packages: each debian/patches/* file with a
DEP-3 Description (or Subject) becomes one edit example per hunk (code = context + removed lines, new
code = context + added lines, instruction = the description). Only packages whose upstream files AND
Debian packaging (which the patches belong to) are under a permissive license are kept.

Only the small <pkg>.debian.tar.xz of each package is downloaded (upstream tarballs are unreliable
here). apt runs with a private state folder, so the machine's apt setup is not changed: its deb-src
entry is derived at run time from the machine's own Debian source list.

    cd scripts && python3 -m data.patches.harvest_debian --out ../build/sources [--packages a,b,c]
"""
import argparse
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import urllib.request

from .dep3 import hunks_to_examples, parse_patch
from .licenses import package_license_ok

# Source packages with permissive licenses and code patches (checked against the local Sources
# index before any download; missing ones are skipped).
DEFAULT_PACKAGES = [
    'python3.11', 'nodejs', 'golang-1.19', 'rustc', 'cargo', 'curl', 'sqlite3', 'expat', 'lua5.4', 'tcl8.6',
    'redis', 'nginx', 'postgresql-15', 'libuv1', 'libevent', 'zstd', 'lz4', 'libxml2', 'libxslt', 'jq',
    'tmux', 'dropbear', 'c-ares', 'libyaml', 'pyyaml', 'python-urllib3', 'requests', 'flask', 'jinja2',
    'python-django', 'numpy', 'leveldb', 'snappy', 'protobuf', 'llvm-toolchain-15', 'boost1.74', 'fmtlib',
    'nlohmann-json3', 'googletest', 're2', 'libwebp', 'harfbuzz', 'pixman', 'mesa', 'wayland', 'neovim',
    'libsodium', 'openssh', 'lighttpd', 'ruby3.1', 'node-lodash', 'node-semver', 'node-yargs', 'node-glob',
    'libpng1.6', 'giflib', 'tiff', 'openjpeg2', 'zlib', 'xz-utils', 'python-click', 'werkzeug',
    'golang-github-spf13-cobra', 'golang-github-sirupsen-logrus', 'rust-regex', 'rust-serde', 'libjpeg-turbo',
]


MAX_HUNKS_PER_PATCH = 6


def debian_source_entry():
    """deb822 text of a deb-src entry for the machine's main Debian archive (not security)."""
    text = open('/etc/apt/sources.list.d/debian.sources', encoding='utf-8').read()
    for para in text.split('\n\n'):
        fields = {}
        for line in para.splitlines():
            if line.startswith('#') or ':' not in line:
                continue
            k, v = line.split(':', 1)
            fields[k.strip()] = v.strip()
        if fields.get('Types', '').split() == ['deb'] and 'security' not in fields.get('URIs', ''):
            fields['Types'] = 'deb-src'
            fields['Suites'] = fields['Suites'].split()[0]
            return '\n'.join('%s: %s' % kv for kv in fields.items()) + '\n'
    raise RuntimeError('no Debian entry in /etc/apt/sources.list.d/debian.sources')


class PrivateApt:
    def __init__(self, root):
        self.root = os.path.abspath(root)
        for d in ('parts', 'lists/partial', 'cache/archives/partial'):
            os.makedirs(os.path.join(self.root, d), exist_ok=True)
        with open(os.path.join(self.root, 'parts', 'debian-src.sources'), 'w') as f:
            f.write(debian_source_entry())
        self.opts = ['-o', 'Dir::Etc::SourceList=/dev/null', '-o', 'Dir::Etc::SourceParts=' + os.path.join(self.root, 'parts'),
                     '-o', 'Dir::State::Lists=' + os.path.join(self.root, 'lists'),
                     '-o', 'Dir::Cache=' + os.path.join(self.root, 'cache'), '-o', 'APT::Sandbox::User=root']

    def update(self):
        subprocess.run(['apt-get', *self.opts, 'update'], check=True, stdout=subprocess.DEVNULL)

    def known_sources(self):
        names = set()
        lists = os.path.join(self.root, 'lists')
        for fn in os.listdir(lists):
            if '_Sources' in fn:
                # apt keeps its lists compressed; apt-helper reads any of its formats
                text = subprocess.run(['/usr/lib/apt/apt-helper', 'cat-file', os.path.join(lists, fn)],
                                      capture_output=True, text=True, errors='replace').stdout
                for line in text.splitlines():
                    if line.startswith('Package: '):
                        names.add(line[9:].strip())
        return names

    def debian_tarball_uri(self, pkg):
        out = subprocess.run(['apt-get', *self.opts, 'source', '--print-uris', '--only-source', pkg],
                             capture_output=True, text=True)
        for line in out.stdout.splitlines():
            m = re.match(r"'([^']+)' (\S+) (\d+) (\S+)", line)
            if m and (m.group(2).endswith('.debian.tar.xz') or m.group(2).endswith('.debian.tar.gz')):
                return m.group(1), m.group(2), int(m.group(3)), m.group(4)
        return None


def download(uri, size, digest):
    with urllib.request.urlopen(uri, timeout=60) as r:
        data = r.read()
    algo, _, want = digest.partition(':')
    if len(data) != size or (algo.lower() in ('sha256', 'sha512') and hashlib.new(algo.lower(), data).hexdigest() != want):
        raise ValueError('download of %s does not match its index entry' % uri)
    return data


def harvest_tarball(pkg, data):
    """(license_info, [examples]) from one debian.tar.* file."""
    files = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for m in tar.getmembers():
            if m.isfile() and (m.name == 'debian/copyright' or m.name.startswith('debian/patches/')):
                files[m.name] = tar.extractfile(m).read().decode('utf-8', 'replace')
    ok, lic = package_license_ok(files.get('debian/copyright', ''))
    if not ok:
        return lic, []
    series = files.get('debian/patches/series', '')
    names = [l.split()[0] for l in series.splitlines() if l.strip() and not l.startswith('#')]
    examples = []
    for name in names:
        text = files.get('debian/patches/' + name)
        if text is None:
            continue
        patch = parse_patch(text)
        hunks = hunks_to_examples(patch)
        if len(hunks) > MAX_HUNKS_PER_PATCH:
            # one description over dozens of hunks says little about each: keep an even spread
            step = len(hunks) / MAX_HUNKS_PER_PATCH
            hunks = [hunks[int(i * step)] for i in range(MAX_HUNKS_PER_PATCH)]
        for k, ex in enumerate(hunks):
            examples.append({'id': 'debian/%s/%s#%d' % (pkg, name, k), 'package': pkg, 'patch': name,
                             'license': lic, **ex})
    return lic, examples


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', required=True, help='folder for debian-patches.jsonl and the report')
    ap.add_argument('--packages', default=','.join(DEFAULT_PACKAGES))
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    apt = PrivateApt(os.path.join(args.out, 'apt'))
    apt.update()
    known = apt.known_sources()
    report, total = {}, 0
    with open(os.path.join(args.out, 'debian-patches.jsonl'), 'w', encoding='utf-8') as f:
        for pkg in [p for p in args.packages.split(',') if p]:
            if pkg not in known:
                report[pkg] = {'status': 'not in the Sources index'}
                continue
            got = apt.debian_tarball_uri(pkg)
            if got is None:
                report[pkg] = {'status': 'no debian tarball (native or 1.0 format)'}
                continue
            uri, fname, size, digest = got
            cached = os.path.join(args.out, 'tarballs', fname)
            try:
                if os.path.exists(cached) and os.path.getsize(cached) == size:
                    data = open(cached, 'rb').read()
                else:
                    data = download(uri, size, digest)
                    os.makedirs(os.path.dirname(cached), exist_ok=True)
                    with open(cached, 'wb') as out:
                        out.write(data)
            except (OSError, ValueError) as e:
                report[pkg] = {'status': 'download failed: %s' % e}
                continue
            lic, examples = harvest_tarball(pkg, data)
            for ex in examples:
                ex['family'] = 'debian_patch'
                f.write(json.dumps(ex, ensure_ascii=False) + '\n')
            total += len(examples)
            report[pkg] = {'status': 'ok' if examples or lic.get('permissive') else 'license not permissive',
                           'license': lic, 'examples': len(examples), 'file': fname}
            print('%-32s %4d examples  %s' % (pkg, len(examples), lic.get('summary')), file=sys.stderr)
    with open(os.path.join(args.out, 'debian-patches.report.json'), 'w') as f:
        json.dump({'examples': total, 'packages': report}, f, indent=1)
    print(json.dumps({'examples': total, 'packages_with_examples': sum(1 for r in report.values() if r.get('examples'))}))


if __name__ == '__main__':
    main()
