#!/usr/bin/python3
# Writes strings.hex: hand-picked strings that exercise yaml.v2's quoting
# and folding, then N pseudo-random ones (fixed seed).  Strings with
# U+2028/U+2029 or a BOM are left out: libyaml and yaml.v2's port differ
# there (see config/yemit.c).
import random, sys
picked = ["", "a", "yes", "Yes", "no", "on", "off", "y", "n", "true",
    "false", "null", "~", "NULL", "1", "-1", "+1", "0x1F", "0o17", "0b101",
    "017", "08", "1_000", "1.5", ".5", "+.5", "-.5e3", "1e5", "1e999",
    "1e-999", ".inf", "-.inf", ".nan", ".Nan", "2001-12-14",
    "2001-12-14T21:59:43.10Z", "2001-12-14t21:59:43.10+05:00",
    "2001-12-14 21:59:43.10", "2001-12-14 21:59:43.10 -5", "2001-02-30",
    "2000-02-29", "1900-02-29", "2001-1-2", "20011-1-2", "1:30", "-1:30",
    "1:60", "190:20:30", "1:30.5", "09:00", "24:00", "a: b", "a:b",
    ": a", "- a", "-a", "-", "--", "---", "...", "? a", "?a", "#a", "a #b",
    "a#b", " a", "a ", "\ta", "a\t", "a\tb", "'", '"', "'a'", '"a"',
    "it's", "@a", "`a", "%a", "!a", "&a", "*a", "|a", ">a", "[a]", "{a}",
    ",a", "a,b", "a, b", "{{ template \"x\" . }}", "<secret>",
    "http://example.org/a?b=c#d", "#alerts", "@all", "a\nb", "a\n",
    "a\n\n", "\na", " \na", "a \nb", "a\r\nb", "a\rb", "\x01", "\x7f",
    "\u0085", "é", "日本語", "😀", "a\u00a0b", "x" * 100,
    " ".join(["word"] * 30), ": " + " ".join(["word"] * 30),
    "\n".join(["line " * 20] * 3), "a  b", "a   " + "b " * 50]
random.seed(1)
atoms = ["a", "b", "foo", " ", "  ", "\t", "\n", "\n\n", ":", ": ", " :",
    "#", " #", "-", "- ", "?", "? ", "'", '"', "\\", "{", "}", "[", "]",
    ",", "&", "*", "!", "|", ">", "%", "@", "`", "0", "1", "12", "1.5",
    "yes", "null", "~", ".inf", "é", "日本", "\x7f", "\x01", "😀",
    "{{ .x }}", "http://x/y?z=1", "2001-12-14", "1:30", "<secret>", ".",
    "\r", "\r\n"]
words = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur",
    "adipiscing", "elit", "sed", "do", "eiusmod", "tempor", "incididunt"]
out = list(picked)
for i in range(int(sys.argv[1]) if len(sys.argv) > 1 else 600):
    k = random.random()
    if k < 0.3:
        s = "".join(random.choice(atoms) for _ in range(random.randint(0, 6)))
    elif k < 0.6:
        s = " ".join(random.choice(words + atoms)
            for _ in range(random.randint(5, 40)))
    elif k < 0.8:
        s = random.choice(words) + "".join(random.choice(
            [" ", "  ", "\n", "\n\n", "-", ": ", "#"]) + random.choice(words)
            for _ in range(random.randint(5, 30)))
    else:
        s = "".join(random.choice(atoms) for _ in range(
            random.randint(1, 3))) + " ".join(random.choice(words)
            for _ in range(random.randint(10, 30)))
    out.append(s)
with open("strings.hex", "w") as f:
    for s in out:
        f.write(s.encode().hex() + "\n")
