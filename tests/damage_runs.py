"""damage_runs: runs gongwen's programs on a damaged copy of an index and
judges each run, for tests/e2e_damage.sh: a run must exit 0, 1 or 2, with
"index damaged" on stderr when it exits 2, no signal, no timeout and no
sanitizer report; a caller may add its own judgement (expect)."""
import collections
import subprocess


class Runs:
    def __init__(self):
        self.tally = collections.Counter()
        self.bad = []

    def run(self, label, what, cmd, expect=None, stdin=None):
        """Runs cmd (its kind what: search, check, batch), with stdin (bytes)
        if given; label names the damaged copy in a failure; expect(what,
        rc, err) may return why the run is wrong."""
        try:
            p = subprocess.run(cmd, input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
            rc, err = p.returncode, p.stderr.decode('utf-8', 'replace')
        except subprocess.TimeoutExpired:
            rc, err = 'timeout', ''
        self.tally[(what, rc)] += 1
        why = None
        if rc not in (0, 1, 2):
            why = 'exit status %s' % (rc if rc == 'timeout' else rc if rc >= 0 else 128 - rc)
        elif 'Sanitizer' in err or 'runtime error:' in err:
            why = 'sanitizer report'
        elif rc == 2 and 'index damaged' not in err:
            why = 'exit 2 without "index damaged"'
        elif expect:
            why = expect(what, rc, err)
        if why:
            self.bad.append('%s: %s: %s\n          %s' % (label, ' '.join(cmd[3:]), why,
                            err.strip()[-400:].replace('\n', '\n          ')))

    def report(self, head):
        """Prints head, the tally and the first failures; the exit status."""
        print('%s, %d runs: exit 2 (damage reported) %d, exit 0/1 %d; %s' % (
            head, sum(self.tally.values()),
            sum(v for (w, rc), v in self.tally.items() if rc == 2),
            sum(v for (w, rc), v in self.tally.items() if rc in (0, 1)),
            ', '.join('%s %s: %d' % (w, rc, v) for (w, rc), v in sorted(self.tally.items(), key=str))))
        for b in self.bad[:10]:
            print(b)
        return 1 if self.bad else 0
