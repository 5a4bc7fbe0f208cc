"""The README's walkthroughs, run as written with the AWS CLI v1 and v2 (issue 14).

Every ```sh block of the README after the first (the two commands) is run, in
order, by bash in the repository's root, as a newcomer following the README
would: `make run` lines (re)start seki with their ARGS on the same state
directory ($XDG_STATE_HOME/seki, as `make run` uses), the endpoint is the
README's with only the port changed, and files the blocks create are removed
afterwards.

What the README promises is checked:
- a command followed by comment lines "# An error occurred (Code) ..." must
  fail, and its stderr must hold that whole text;
- "# => text" after a command: its stdout must hold text;
- every other command must succeed.
Blocks marked "only for CLI v1 < 1.29 and v2 < 2.13" run only with such a CLI.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

from seki_harness import ROOT, clean_env, free_port, seki_binary

README = os.path.join(ROOT, "README.md")
README_PORT = "4566"


def untracked():
    """Files in the repository's root that git does not track: what the
    walkthroughs leave there is removed afterwards."""
    p = subprocess.run(["git", "ls-files", "--others", "--exclude-standard", "--directory"], cwd=ROOT,
                       capture_output=True, text=True)
    return {l for l in p.stdout.splitlines() if "/" not in l.rstrip("/")}


def blocks(text):
    """The ```sh blocks of the README, in order, as lists of lines."""
    out, cur = [], None
    for line in text.splitlines():
        if cur is None and line.strip() == "```sh":
            cur = []
        elif cur is not None and line.strip() == "```":
            out.append(cur)
            cur = None
        elif cur is not None:
            cur.append(line)
    return out


class Command:
    def __init__(self, text):
        self.text = text
        self.fail_text = None   # "An error occurred (...) ..." expected on stderr
        self.out_text = None    # expected on stdout


def commands(lines):
    """Joins continuation lines and attaches the expectations written as
    comments after each command."""
    cmds, i = [], 0
    while i < len(lines):
        line = lines[i]
        s = line.strip()
        if not s:
            i += 1
            continue
        if s.startswith("#"):
            c = cmds[-1] if cmds else None
            if c is not None and s.startswith("# An error occurred"):
                parts = [s[2:]]
                while i + 1 < len(lines) and lines[i + 1].strip().startswith("# ") and \
                        not lines[i + 1].strip().startswith("# =>"):
                    i += 1
                    parts.append(lines[i].strip()[2:])
                c.fail_text = " ".join(parts)
            elif c is not None and s.startswith("# =>"):
                c.out_text = s[4:].strip()
            i += 1
            continue
        text = line
        while text.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            text = text + "\n" + lines[i]
        cmds.append(Command(text))
        i += 1
    return cmds


def read(path):
    with open(path) as f:
        return f.read()


def port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def norm(s):
    return " ".join(s.split())


def cli_version(exe):
    p = subprocess.run([exe, "--version"], capture_output=True, text=True)
    m = re.search(r"aws-cli/(\d+)\.(\d+)\.(\d+)", p.stdout + p.stderr)
    return tuple(int(x) for x in m.groups()) if m else None


def v2_cli():
    """Debian's awscli package (v2), which .ci/run installs."""
    for exe in ("/usr/bin/aws", "/usr/local/bin/aws"):
        if os.path.exists(exe) and (cli_version(exe) or (0,))[0] == 2:
            return exe
    return None


class Walkthroughs(unittest.TestCase):
    def run_readme(self, aws_exe):
        version = cli_version(aws_exe)
        old = version < (1, 29, 0) if version[0] == 1 else version < (2, 13, 0)
        # The README's own port when it is free (then nothing is rewritten);
        # else another, with the endpoint rewritten and set for the demo.
        port = README_PORT if port_free(int(README_PORT)) else str(free_port())
        state = tempfile.mkdtemp(prefix="seki-readme-")
        bindir = os.path.join(state, "bin")
        os.makedirs(bindir)
        os.symlink(aws_exe, os.path.join(bindir, "aws"))
        env = clean_env()
        env.update(PATH=bindir + os.pathsep + env["PATH"], XDG_STATE_HOME=state,
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                   AWS_PAGER="")
        if port != README_PORT:
            env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:" + port
        # ./bin/seki, as `make run` leaves it.
        if not os.path.exists(os.path.join(ROOT, "bin", "seki")):
            subprocess.run(["make", "build"], cwd=ROOT, check=True)
        seki = [None]

        def start(args):
            stop()
            argv = [seki_binary(), "serve", "--listen", "127.0.0.1:" + port] + args
            with open(os.path.join(state, "seki.log"), "ab") as log:
                seki[0] = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
            deadline = time.time() + 30
            while time.time() < deadline:
                try:
                    with urllib.request.urlopen("http://127.0.0.1:%s/_seki/health" % port, timeout=1):
                        return
                except OSError:
                    time.sleep(0.05)
            self.fail("seki did not start: %s" % argv)

        def stop():
            if seki[0] and seki[0].poll() is None:
                seki[0].send_signal(signal.SIGTERM)
                seki[0].wait(timeout=30)

        # What `seki runtimes install` fetched (.ci/run runs it) is shared,
        # not fetched again into the walkthrough's own state directory.
        real = os.path.join(os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state"), "seki", "cache")
        os.makedirs(os.path.join(state, "seki"), exist_ok=True)
        if os.path.isdir(real):
            os.symlink(real, os.path.join(state, "seki", "cache"))
        before = untracked()
        # One bash for the whole README, so that variables and functions
        # that a block sets reach the next, as in a newcomer's terminal.
        sh = subprocess.Popen(["bash", "--norc", "--noprofile"], cwd=ROOT, env=env, stdin=subprocess.PIPE, text=True)
        try:
            # "With seki running (the first command above)": the demo section
            # comes before any other start.
            start([])
            for lines in blocks(read(README))[1:]:
                joined = "\n".join(lines)
                if "only for CLI v1 < 1.29 and v2 < 2.13" in joined and not old:
                    continue
                for c in commands(lines):
                    if c.text.startswith("make run"):
                        m = re.search(r"ARGS='([^']*)'", c.text)
                        start(m.group(1).split() if m else [])
                        continue
                    if c.text.strip().startswith("make test"):
                        continue
                    self.run_command(sh, c, state, port)
        finally:
            sh.stdin.close()
            sh.wait(timeout=30)
            stop()
            for f in untracked() - before:
                path = os.path.join(ROOT, f)
                if os.path.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.remove(path)
            shutil.rmtree(state, ignore_errors=True)

    def run_command(self, sh, c, state, port):
        """Runs one command in the walkthrough's bash and checks what the
        README says of it."""
        self.n = getattr(self, "n", 0) + 1
        base = os.path.join(state, "cmd%d" % self.n)
        text = c.text.replace("127.0.0.1:" + README_PORT, "127.0.0.1:" + port)
        sh.stdin.write("{ %s\n} >%s.out 2>%s.err </dev/null; echo $? >%s.rc.tmp; mv %s.rc.tmp %s.rc\n" %
                       (text, base, base, base, base, base))
        sh.stdin.flush()
        deadline = time.time() + 300
        while not os.path.exists(base + ".rc"):
            if time.time() > deadline or sh.poll() is not None:
                self.fail("README command did not finish: %s" % c.text)
            time.sleep(0.02)
        rc, out, err = [read(base + ext) for ext in (".rc", ".out", ".err")]
        rc = int(rc)
        where = "README command:\n%s\nexit %d\nstdout:\n%s\nstderr:\n%s" % (c.text, rc, out, err)
        if c.fail_text:
            self.assertNotEqual(rc, 0, "expected to fail\n" + where)
            self.assertIn(norm(c.fail_text), norm(err), where)
        else:
            self.assertEqual(rc, 0, where)
        if c.out_text:
            self.assertIn(norm(c.out_text), norm(out), where)

    def test_cli_v1(self):
        exe = shutil.which("aws")
        if exe is None or (cli_version(exe) or (0,))[0] != 1:
            self.skipTest("the AWS CLI v1 is not on PATH")
        self.run_readme(exe)

    def test_cli_v2(self):
        exe = v2_cli()
        if exe is None:
            if os.environ.get("CI"):
                self.fail("CI must install Debian's awscli (v2); see .ci/run")
            self.skipTest("the AWS CLI v2 (Debian's awscli) is not installed")
        self.run_readme(exe)


if __name__ == "__main__":
    unittest.main()
