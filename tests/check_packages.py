#!/usr/bin/env python3
"""Every system file a build reads comes from a package that build's install step installs.

The compiler's dependency files (build/<dir>/**/*.o.d) name every header each object read; the CMake cache
names the font. Each file outside the checkout is mapped to its Debian package through dpkg's own file lists
(what `dpkg -S` reads); the package must be one that .ci/deps.sh's function for that build installs, or
something those packages pull in (their Depends, recursively). A fresh machine then builds with
`./build_wasm.sh` alone (deps_web) and natively after `deps_native`.

  python3 tests/check_packages.py            checks build/web, build/web-mt (deps_web), build/native (deps_native)
  python3 tests/check_packages.py DIR=FUNC   checks one build directory against one deps function

Prints one line per build and, for a file whose package is not installed by the function, the file, its
package and the function to add it to. Exit status 1 then.
"""
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
BUILDS = [('build/web', 'deps_web'), ('build/web-mt', 'deps_web'), ('build/native', 'deps_native')]
# Directories many packages own: a file found under one of these only is not attributed by its folder.
SHARED_DIRS = {'/', '/usr', '/usr/share', '/usr/include', '/usr/lib', '/usr/lib/x86_64-linux-gnu', '/etc',
               '/usr/share/fonts', '/usr/share/fonts/truetype', '/lib', '/usr/local'}


def deps_packages(function):
    """The packages `function` in .ci/deps.sh asks for (apt_need replaced by a print; nothing installed)."""
    script = ('set -e; source .ci/deps.sh; apt_need() { printf "%s\\n" "$@"; }; deps_imgui() { :; }; '
              'command() { return 1; }; ' + function)  # (`command -v node || apt_need nodejs`: list it)
    out = subprocess.run(['bash', '-c', script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return set(out.split())


def dpkg_owners():
    """path → package, from dpkg's file lists (/var/lib/dpkg/info/PKG[:arch].list)."""
    owners = {}
    for lst in glob.glob('/var/lib/dpkg/info/*.list'):
        pkg = os.path.basename(lst)[:-len('.list')].split(':')[0]
        with open(lst, encoding='utf-8', errors='replace') as f:
            for line in f:
                owners.setdefault(line.rstrip('\n'), set()).add(pkg)
    return owners


def installed_depends():
    """package → the packages its Depends and Pre-Depends name (each alternative that is installed)."""
    out = subprocess.run(['dpkg-query', '-W', '-f', '${Package}\\t${Status}\\t${Pre-Depends}, ${Depends}\\t${Provides}\\n'],
                         capture_output=True, text=True, check=True).stdout
    deps, installed, provides = {}, set(), {}
    for line in out.splitlines():
        pkg, status, depends, prov = (line.split('\t') + ['', '', ''])[:4]
        if 'install ok installed' not in status:
            continue
        installed.add(pkg)
        deps[pkg] = [alt.strip().split(' ')[0].split(':')[0] for part in depends.split(',') for alt in part.split('|')
                     if alt.strip()]
        for p in prov.split(','):
            if p.strip():
                provides.setdefault(p.strip().split(' ')[0], set()).add(pkg)
    return deps, installed, provides


def closure(roots, deps, installed, provides):
    seen, todo = set(), list(roots)
    while todo:
        p = todo.pop()
        for q in [p] + sorted(provides.get(p, ())):
            if q in seen or q not in installed:
                continue
            seen.add(q)
            todo.extend(deps.get(q, []))
    return seen


def files_read(build):
    """System files the build's objects read (from their .o.d dependency files) and the font it copies."""
    files = set()
    for d in glob.glob(os.path.join(ROOT, build, '**', '*.o.d'), recursive=True):
        with open(d, encoding='utf-8', errors='replace') as f:
            text = f.read().replace('\\\n', ' ')
        for token in re.split(r'(?<!\\)\s+', text):
            token = token.replace('\\ ', ' ')
            if not token or token.endswith(':'):
                continue
            path = os.path.realpath(os.path.join(os.path.dirname(d), token) if not os.path.isabs(token) else token)
            if not path.startswith(ROOT + os.sep):
                files.add(path)
    cache = os.path.join(ROOT, build, 'CMakeCache.txt')
    if os.path.exists(cache):
        for line in open(cache, encoding='utf-8', errors='replace'):
            if line.startswith('ATTN_FONT:'):
                files.add(os.path.realpath(line.split('=', 1)[1].strip()))
    return files


def owner_of(path, owners):
    """The package holding path, or else (a file a package's tool generated, like Emscripten's sysroot cache)
    the one package owning its nearest folder that is not shared by many."""
    for candidate in (path, re.sub(r'^/usr(/lib|/bin|/sbin)', r'\1', path)):
        if candidate in owners:
            return sorted(owners[candidate])
    d = os.path.dirname(path)
    while d not in SHARED_DIRS and d != os.path.dirname(d):
        if d in owners and len(owners[d]) == 1:
            return sorted(owners[d])
        d = os.path.dirname(d)
    return []


def main(argv):
    builds = [tuple(a.split('=', 1)) for a in argv] or BUILDS
    owners = dpkg_owners()
    deps, installed, provides = installed_depends()
    failures = 0
    checked = 0
    for build, function in builds:
        if not os.path.isdir(os.path.join(ROOT, build)):
            print(f'{build}: not built, skipped')
            continue
        checked += 1
        wanted = deps_packages(function)
        allowed = closure(wanted, deps, installed, provides)
        files = files_read(build)
        packages, bad = {}, []
        for path in sorted(files):
            pkgs = owner_of(path, owners)
            if not pkgs:
                bad.append(f'  {path}: in no Debian package (installed by hand?); {function} cannot install it')
                continue
            packages.setdefault(pkgs[0], 0)
            packages[pkgs[0]] += 1
            if not any(p in allowed for p in pkgs):
                bad.append(f'  {path}: from {", ".join(pkgs)}, which {function} (.ci/deps.sh) does not install')
        print(f'{build} ({function}): {len(files)} system files from {len(packages)} packages: '
              + ', '.join(f'{p} {n}' for p, n in sorted(packages.items())))
        # one line per package, not per header
        seen = set()
        for line in bad:
            key = line.split(': from ')[-1]
            if key not in seen:
                seen.add(key)
                print(line)
        failures += len(bad)
    if checked == 0:
        print('no build directory to check')
        return 1
    print(f'packages: {"OK" if failures == 0 else str(failures) + " files from packages not installed"}')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
