#!/usr/bin/python3
"""Checks that scripts/install-deps.sh installs everything the project uses.

A fresh Debian 12 machine has only what the install script gives it, so every system
header the build compiled, every library it linked, every program the scripts and tests
call and every Python module they import must come from a Debian package that the
script's list installs, directly or through the dependencies of a listed package.
Packages that every Debian system has (Essential or Priority: required) count as present.

What is checked:
  - headers: the compiler's dependency files (*.o.d) of the build tree;
  - libraries: the link lines (link.txt) of the build tree;
  - programs: the commands of the shell scripts (scripts/, bench/, .ci/run), the Makefile's
    recipes, and every absolute /usr/... program path written in tests, bench and scripts;
  - Python modules: `python3 -m MODULE` in those files and the imports of the repo's .py files.

Usage: scripts/check-deps.py --build-dir build [--deps-file scripts/install-deps.sh]
Exits 0 when everything is covered, 1 with one line per missing package otherwise, 2 on
bad usage (no build tree, no package list).
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict

SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

SHELL_WORDS = {
    # keywords
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
    "in", "function", "select", "time", "{", "}", "[[", "]]", "!",
    # builtins
    ".", ":", "[", "alias", "bg", "break", "builtin", "cd", "command", "continue", "declare",
    "echo", "eval", "exec", "exit", "export", "false", "fg", "getopts", "hash", "jobs", "kill",
    "let", "local", "printf", "pwd", "read", "readonly", "return", "set", "shift", "shopt",
    "source", "test", "trap", "true", "type", "ulimit", "umask", "unset", "wait", "mapfile",
}

# Words that run the next word as the command.
PREFIXES = {"sudo", "$sudo", "exec", "command", "env", "nohup", "time", "xargs", "shell", "nice"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", required=True, help="a configured and built CMake tree")
    parser.add_argument("--deps-file", default=None, help="the install script to check")
    parser.add_argument("--source-root", default=None, help="the repository (default: ..)")
    return parser.parse_args()


def listed_packages(deps_file):
    """The names inside `packages=( … )` of the install script, comments removed."""
    text = open(deps_file, encoding="utf-8").read()
    match = re.search(r"^packages=\((.*?)^\)", text, re.S | re.M)
    if not match:
        sys.exit(f"check-deps: {deps_file}: no packages=( … ) list found")
    names = []
    for line in match.group(1).splitlines():
        names.extend(line.split("#", 1)[0].split())
    return set(names)


class PackageDatabase:
    """The installed packages: who owns which file, who depends on whom."""

    def __init__(self):
        out = subprocess.run(
            ["dpkg-query", "-W", "-f",
             "${Package}\t${Essential}\t${Priority}\t${Depends}\t${Pre-Depends}\t${Provides}\n"],
            check=True, capture_output=True, text=True).stdout
        self.depends = {}
        self.base = set()
        self.providers = defaultdict(set)
        for line in out.splitlines():
            name, essential, priority, depends, pre_depends, provides = line.split("\t")
            self.depends[name] = self._alternatives(depends) + self._alternatives(pre_depends)
            if essential == "yes" or priority == "required":
                self.base.add(name)
            for group in self._alternatives(provides):
                for virtual in group:
                    self.providers[virtual].add(name)
        self.owner = {}
        for listing in glob.glob("/var/lib/dpkg/info/*.list"):
            package = os.path.basename(listing)[:-len(".list")].split(":", 1)[0]
            with open(listing, encoding="utf-8", errors="replace") as f:
                for path in f:
                    self.owner.setdefault(path.rstrip("\n"), package)

    @staticmethod
    def _alternatives(field):
        groups = []
        for clause in field.split(","):
            names = [re.sub(r"[\s(].*$", "", alt.strip()).split(":", 1)[0]
                     for alt in clause.split("|") if alt.strip()]
            if names:
                groups.append(names)
        return groups

    def closure(self, roots):
        """Every installed package that the roots pull in (all installed alternatives)."""
        seen = set()
        todo = list(roots) + list(self.base)
        while todo:
            name = todo.pop()
            candidates = [name] if name in self.depends else []
            candidates += sorted(self.providers.get(name, ()))
            for package in candidates:
                if package in seen:
                    continue
                seen.add(package)
                for group in self.depends.get(package, ()):
                    todo.extend(group)
        return seen

    def package_of(self, path):
        for candidate in (path, os.path.realpath(path)):
            if candidate in self.owner:
                return self.owner[candidate]
            # dpkg records /lib and /bin paths that merged-/usr systems reach through /usr.
            if candidate.startswith("/usr/"):
                short = candidate[len("/usr"):]
                if short in self.owner:
                    return self.owner[short]
        return None


def outside(path, roots):
    return path.startswith("/") and not any(path.startswith(root + "/") for root in roots)


def headers_used(build_dir, roots):
    """System headers from the compiler's dependency files: {path: first user}."""
    used = {}
    depfiles = glob.glob(os.path.join(build_dir, "**", "*.o.d"), recursive=True)
    for depfile in depfiles:
        text = open(depfile, encoding="utf-8", errors="replace").read().replace("\\\n", " ")
        if ":" not in text:
            continue
        target, deps = text.split(":", 1)
        for token in deps.split():
            if outside(token, roots):
                used.setdefault(os.path.normpath(token), os.path.relpath(target.strip(), build_dir))
    return used, len(depfiles)


def libraries_linked(build_dir, roots):
    """Libraries of the link lines: {path: link.txt that names it}."""
    used = {}
    for link in glob.glob(os.path.join(build_dir, "**", "link.txt"), recursive=True):
        where = os.path.relpath(link, build_dir)
        for token in open(link, encoding="utf-8").read().split():
            if token.startswith("-l") and len(token) > 2:
                for suffix in (".so", ".a"):
                    found = subprocess.run(["g++", f"-print-file-name=lib{token[2:]}{suffix}"],
                                           capture_output=True, text=True).stdout.strip()
                    if os.path.isabs(found):
                        used.setdefault(found, where)
                        break
            elif re.search(r"\.(so(\.\d+)*|a)$", token) and outside(token, roots):
                used.setdefault(token, where)
    return used


class ShellLexer:
    """Splits shell text into simple commands (lists of words), enough to find the programs
    a script runs: quotes, command substitutions, subshells, comments, heredocs, `case`
    patterns and line continuations. Text inside quotes is data, except inside "$( … )"."""

    def __init__(self, text):
        self.text = text
        self.commands = []

    def run(self):
        self._commands(0, closing=None)
        return self.commands

    def _commands(self, i, closing):
        text = self.text
        words, word = [], None
        heredocs, case_depth, pattern_from = [], 0, None

        def end_word():
            nonlocal word
            if word is not None:
                words.append(word)
            word = None

        def end_command():
            nonlocal words, case_depth, pattern_from
            end_word()
            if words:
                first = words[0]
                if first == "case":
                    case_depth += 1
                    pattern_from = len(self.commands) + 1
                elif first == "esac" and case_depth:
                    case_depth -= 1
                self.commands.append(words)
            words = []

        while i < len(text):
            c = text[i]
            if c == "\\" and i + 1 < len(text):
                if text[i + 1] != "\n":
                    word = (word or "") + text[i + 1]
                i += 2
                continue
            if c == "'":
                j = text.find("'", i + 1)
                j = len(text) if j < 0 else j
                word = (word or "") + text[i + 1:j]
                i = j + 1
                continue
            if c == '"':
                i, inner = self._double_quoted(i + 1)
                word = (word or "") + inner
                continue
            if c == "#" and word is None:
                while i < len(text) and text[i] != "\n":
                    i += 1
                continue
            if text.startswith("$(", i) and not text.startswith("$((", i):
                i = self._commands(i + 2, closing=")")
                word = (word or "") + "$"
                continue
            if c == "`":
                j = text.find("`", i + 1)
                j = len(text) if j < 0 else j
                ShellLexer._append(self, text[i + 1:j])
                word = (word or "") + "$"
                i = j + 1
                continue
            if text.startswith("<<", i) and not text.startswith("<<<", i):
                m = re.match(r"<<-?\s*['\"]?(\w+)['\"]?", text[i:])
                if m:
                    heredocs.append(m.group(1))
                    i += m.end()
                    continue
            if c == ")" and closing == ")":
                end_command()
                return i + 1
            if c == "(" and word is not None and word.endswith("="):  # an array: data
                i += 1
                while i < len(text) and text[i] != ")":
                    if text[i] == "#" and text[i - 1] in " \t\n(":
                        while i < len(text) and text[i] != "\n":
                            i += 1
                    else:
                        i += 1
                i += 1
                end_word()
                continue
            if c == "(":
                end_command()
                i += 1
                continue
            if c == ")":  # a case pattern ends: what came since the last ;; is no command
                end_word()
                words = []
                if case_depth and pattern_from is not None:
                    del self.commands[pattern_from:]
                i += 1
                continue
            if c == "&" and (word or "").endswith((">", "<")):  # 2>&1
                word += c
                i += 1
                continue
            if c in ";|&\n":
                end_command()
                if text.startswith(";;", i):
                    pattern_from = len(self.commands)
                    i += 2
                    continue
                if c == "\n" and heredocs:
                    for tag in heredocs:
                        m = re.compile(r"^\s*" + re.escape(tag) + r"\s*$", re.M).search(text, i + 1)
                        i = m.end() if m else len(text)
                    heredocs = []
                i += 1
                continue
            if c in " \t":
                end_word()
                i += 1
                continue
            word = (word or "") + c
            i += 1
        end_command()
        return i

    def _append(self, inner):
        self.commands.extend(ShellLexer(inner).run())

    def _double_quoted(self, i):
        text, out = self.text, ""
        while i < len(text) and text[i] != '"':
            if text[i] == "\\":
                out += text[i + 1:i + 2]
                i += 2
            elif text.startswith("$(", i) and not text.startswith("$((", i):
                i = self._commands(i + 2, closing=")")
                out += "$"
            else:
                out += text[i]
                i += 1
        return i + 1, out


def commands_of_shell(text, makefile=False):
    """The words in command position of a shell script (or of a Makefile's recipes)."""
    variables = dict(re.findall(r"^\s*([A-Za-z_]\w*)=([^\s;$`'\"]+)\s*$", text, re.M))
    functions = set(re.findall(r"^\s*([\w-]+)\s*\(\)\s*\{", text, re.M))
    if makefile:
        recipes = [line.strip().lstrip("@-") for line in text.replace("\\\n", " ").splitlines()
                   if line.startswith("\t")]
        text = "\n".join(re.sub(r"\$\(shell ", "$(", re.sub(r"\$\((?!shell )[^)]*\)|\$[@<^*]", "X", line))
                         for line in recipes)
    words = set()
    for tokens in ShellLexer(text).run():
        while tokens:
            token = tokens[0]
            if (re.match(r"^[A-Za-z_]\w*(\[[^]]*\])?\+?=", token) or token in PREFIXES
                    or token in ("if", "then", "else", "elif", "while", "until", "do", "!", "{", "}")):
                tokens = tokens[1:]
            elif token == "runuser":  # runuser -u USER -- COMMAND
                tokens = tokens[tokens.index("--") + 1:] if "--" in tokens else []
            elif token == "as_postgres":
                tokens = tokens[1:]
            else:
                break
        if not tokens or tokens[0].startswith("-"):  # `command -v X` runs nothing
            continue
        word = re.sub(r"\$\{?(\w+)\}?", lambda m: variables.get(m.group(1), m.group(0)), tokens[0])
        if ("$" in word or word in SHELL_WORDS or word in functions
                or not re.match(r"^[A-Za-z0-9_./+-]+$", word)):
            continue
        if "/" in word and not word.startswith("/"):
            continue  # the repository's own programs (scripts/…, bench/…, build/…)
        words.add(word)
        if word.endswith("python3") and len(tokens) > 2 and tokens[1] == "-m":
            words.add("python-module:" + tokens[2])
    return words


def absolute_programs(text):
    found = re.findall(r"(/usr/(?:local/)?s?bin/[\w.+-]+|/usr/lib/postgresql/\d+/bin/[\w.+-]+)", text)
    return {path.rstrip(".") for path in found}


def python_modules(text):
    modules = set(re.findall(r"python3['\"]?,?\s*\[?['\"]?\s*-m['\"]?,?\s*['\"]?([\w.]+)", text))
    return {"python-module:" + m for m in modules}


def resolve_module(module):
    code = ("import importlib.util, sys\n"
            "spec = importlib.util.find_spec(sys.argv[1])\n"
            "print(spec.origin if spec and spec.origin else '')")
    out = subprocess.run(["/usr/bin/python3", "-c", code, module],
                         capture_output=True, text=True) if os.path.exists("/usr/bin/python3") else None
    return out.stdout.strip() if out and out.returncode == 0 else ""


def programs_used(source_root):
    """{program or python-module:NAME: the file that uses it}."""
    used = {}
    shell_files = (glob.glob(os.path.join(source_root, "scripts", "*.sh"))
                   + glob.glob(os.path.join(source_root, "bench", "*.sh"))
                   + [os.path.join(source_root, ".ci", "run")])
    for path in shell_files:
        if not os.path.exists(path):
            continue
        text = open(path, encoding="utf-8").read()
        for word in commands_of_shell(text) | python_modules(text):
            used.setdefault(word, os.path.relpath(path, source_root))
    makefile = os.path.join(source_root, "Makefile")
    for word in commands_of_shell(open(makefile, encoding="utf-8").read(), makefile=True):
        used.setdefault(word, "Makefile")
    patterns = ["tests/**/*", "bench/**/*", "scripts/**/*", "fuzz/**/*", ".ci/*"]
    for pattern in patterns:
        for path in glob.glob(os.path.join(source_root, pattern), recursive=True):
            if "node_modules" in path or not os.path.isfile(path) or path.endswith("check-deps.py"):
                continue
            if not re.search(r"\.(sh|mjs|js|cpp|hpp|py|txt|cmake)$|/run$", path):
                continue
            text = open(path, encoding="utf-8", errors="replace").read()
            where = os.path.relpath(path, source_root)
            for word in absolute_programs(text) | python_modules(text):
                used.setdefault(word, where)
            if path.endswith(".py"):
                for module in re.findall(r"^\s*(?:import|from)\s+([\w]+)", text, re.M):
                    # A module of the same folder (tests/cluster/node_support.py) is ours.
                    if os.path.exists(os.path.join(os.path.dirname(path), module + ".py")):
                        continue
                    used.setdefault("python-module:" + module, where)
    return used


def main():
    args = parse_args()
    source_root = os.path.realpath(args.source_root or os.path.join(os.path.dirname(__file__), ".."))
    deps_file = args.deps_file or os.path.join(source_root, "scripts", "install-deps.sh")
    build_dir = os.path.realpath(args.build_dir)
    if not os.path.isdir(build_dir):
        print(f"check-deps: {build_dir}: no build tree (build first)", file=sys.stderr)
        return 2
    roots = [source_root, build_dir]

    database = PackageDatabase()
    listed = listed_packages(deps_file)
    # nodejs and npm are skipped by the install script when the machine has its own Node.js.
    unknown = sorted(name for name in listed
                     if name not in database.depends and name not in ("nodejs", "npm"))
    covered = database.closure(listed)

    headers, depfile_count = headers_used(build_dir, roots)
    if depfile_count == 0:
        print(f"check-deps: {build_dir} has no compiler dependency files (build first)",
              file=sys.stderr)
        return 2
    needs = []  # (kind, what, used by)
    needs += [("header", path, user) for path, user in sorted(headers.items())]
    needs += [("library", path, user) for path, user in sorted(libraries_linked(build_dir, roots).items())]
    for word, user in sorted(programs_used(source_root).items()):
        if word.startswith("python-module:"):
            needs.append(("python module", word.split(":", 1)[1], user))
        else:
            needs.append(("program", word, user))

    missing = defaultdict(list)  # package (or a reason) -> [description]
    for kind, what, user in needs:
        if kind == "program":
            path = what if what.startswith("/") else shutil.which(what, path=SYSTEM_PATH)
            if not path or not os.path.exists(path):
                missing["(not installed)"].append(f"program {what} (used by {user})")
                continue
        elif kind == "python module":
            path = resolve_module(what)
            if path in ("", "built-in", "frozen"):
                if path == "":
                    missing["(not installed)"].append(f"python module {what} (used by {user})")
                continue
        else:
            path = what
        package = database.package_of(path)
        if package is None:
            missing["(no Debian package)"].append(f"{kind} {path} (used by {user})")
        elif package not in covered:
            missing[package].append(f"{kind} {path} (used by {user})")

    for name in unknown:
        print(f"check-deps: {deps_file} lists {name}, which is not installed here "
              f"(run scripts/install-deps.sh)")
    for package, uses in sorted(missing.items()):
        shown = "; ".join(uses[:3]) + (f"; and {len(uses) - 3} more" if len(uses) > 3 else "")
        if package.startswith("("):
            print(f"check-deps: {package}: {shown}")
        else:
            print(f"check-deps: package {package} is not installed by {deps_file}: {shown}")
    if missing or unknown:
        return 1
    print(f"check-deps: {len(listed)} listed packages cover {len(needs)} headers, libraries, "
          f"programs and modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
