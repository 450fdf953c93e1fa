"""The man pages: alertd.1 documents every flag `alertd --help` lists, and
`make install` installs both pages with the binaries."""

import os
import re
import subprocess

from test_cli_common import ALERTD, BUILD, ROOT

MAN = os.path.join(ROOT, "contrib", "man")


def flags_of_help():
    p = subprocess.run([ALERTD, "--help"], capture_output=True, text=True,
                       timeout=10)
    assert p.returncode == 0
    flags = re.findall(r"^\s+(?:-h, )?--([a-z][a-z0-9.-]*)", p.stdout,
                       flags=re.M)
    assert len(flags) > 40
    return flags


def test_alertd_man_has_every_flag():
    with open(os.path.join(MAN, "alertd.1")) as f:
        page = f.read()
    missing = [fl for fl in flags_of_help()
               if "\\-\\-" + fl.replace("-", "\\-") not in page]
    assert missing == []


def test_alertd_man_defaults():
    """The defaults the page states are the ones --help prints."""
    with open(os.path.join(MAN, "alertd.1")) as f:
        page = f.read().replace("\\-", "-")
    p = subprocess.run([ALERTD, "--help"], capture_output=True, text=True,
                       timeout=10)
    for name, dflt in re.findall(r'--([a-z][a-z0-9.-]*)="([^"]+)"',
                                 p.stdout):
        at = page.index("--" + name)
        # The flag's paragraph (up to the next flag) names its default.
        nxt = page.find("\n.TP", at)
        para = page[at:nxt if nxt != -1 else len(page)]
        if name.startswith("cluster.") and name != "cluster.listen-address":
            para = page[at:page.index("\n", at)]
        assert dflt in para, (name, dflt)


def test_man_pages_render():
    for page in ("alertd.1", "alertctl.1"):
        p = subprocess.run(["man", "--warnings", "-l",
                            os.path.join(MAN, page)],
                           capture_output=True, text=True, timeout=30,
                           env=dict(os.environ, MANWIDTH="80"))
        assert p.returncode == 0 and p.stderr == "", p.stderr
        assert "SYNOPSIS" in p.stdout


def test_make_install_installs_man_pages(tmp_path):
    p = subprocess.run(["make", "-C", ROOT, "install", "BUILD=" + BUILD,
                        "DESTDIR=" + str(tmp_path), "PREFIX=/usr"],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    man1 = tmp_path / "usr" / "share" / "man" / "man1"
    for page in ("alertd.1", "alertctl.1"):
        with open(os.path.join(MAN, page), "rb") as f:
            assert (man1 / page).read_bytes() == f.read()
    for binary in ("alertd", "alertctl"):
        assert os.access(tmp_path / "usr" / "bin" / binary, os.X_OK)
