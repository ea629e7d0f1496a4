"""Jane Austen's six novels from Debian's r-cran-janeaustenr (texts public domain, package MIT), read without R:
the package's data/Rdata.rdx is a gzip-compressed R serialisation of {variables: {name: (offset, length)}}, and
each object in data/Rdata.rdb is a 4-byte length plus zlib-compressed R XDR serialisation (a character vector
of lines). Only what those files use is implemented: pairlists, symbols, character/integer/real/logical
vectors, lists, references.

    python3 tests/model/austen.py            # prints each novel's name and its line and character counts
"""
import gzip
import struct
import sys
import zlib

DATA = "/usr/lib/R/site-library/janeaustenr/data"
NOVELS = ["sensesensibility", "prideprejudice", "mansfieldpark", "emma", "northangerabbey", "persuasion"]


class _Reader:
    def __init__(self, data):
        self.b, self.i, self.refs = data, 0, []

    def take(self, n):
        out = self.b[self.i:self.i + n]
        if len(out) != n:
            raise ValueError("R serialisation: truncated")
        self.i += n
        return out

    def int(self):
        return struct.unpack(">i", self.take(4))[0]

    def header(self):
        if self.take(2) != b"X\n":
            raise ValueError("R serialisation: not XDR format")
        version = self.int()
        self.int(), self.int()  # writer version, minimal reader version
        if version == 3:
            self.take(self.int())  # native encoding name

    def item(self):
        flags = self.int()
        kind, has_attr, has_tag = flags & 0xFF, flags & (1 << 9), flags & (1 << 10)
        if kind == 254:  # NILVALUE
            return None
        if kind == 255:  # REFSXP: index in the upper bits (or in the next int)
            index = flags >> 8 or self.int()
            return self.refs[index - 1]
        if kind == 1:  # SYMSXP
            name = self.item()
            self.refs.append(name)
            return name
        if kind in (2, 6):  # LISTSXP, LANGSXP: (attributes) (tag) car cdr
            attrs = self.item() if has_attr else None
            tag = self.item() if has_tag else None
            car = self.item()
            cdr = self.item()
            return [(tag, car)] + (cdr if isinstance(cdr, list) else [])
        if kind == 9:  # CHARSXP
            n = self.int()
            return None if n == -1 else self.take(n).decode("utf-8", "replace")
        if kind in (10, 13):  # LGLSXP, INTSXP
            n = self.int()
            v = list(struct.unpack(">%di" % n, self.take(4 * n)))
        elif kind == 14:  # REALSXP
            n = self.int()
            v = list(struct.unpack(">%dd" % n, self.take(8 * n)))
        elif kind in (16, 19, 20):  # STRSXP, VECSXP, EXPRSXP
            v = [self.item() for _ in range(self.int())]
        else:
            raise ValueError("R serialisation: type %d is not supported here" % kind)
        if has_attr:
            attrs = dict(self.item() or [])
            if kind == 19 and attrs.get("names"):  # a named list → dict
                return dict(zip(attrs["names"], v))
        return v


def _unserialize(data):
    r = _Reader(data)
    r.header()
    return r.item()


def novels(data_dir=DATA):
    """{name: [lines]} for the six novels, in publication order."""
    where = _unserialize(gzip.decompress(open(data_dir + "/Rdata.rdx", "rb").read()))["variables"]
    blob = open(data_dir + "/Rdata.rdb", "rb").read()
    out = {}
    for name in NOVELS:
        offset, length = where[name]
        chunk = blob[int(offset):int(offset) + int(length)]
        out[name] = _unserialize(zlib.decompress(chunk[4:]))
    return out


if __name__ == "__main__":
    for name, lines in novels().items():
        print("%-18s %6d lines %8d characters" % (name, len(lines), sum(len(l) + 1 for l in lines)))
    sys.exit(0)
