"""The table the profiling hooks print: one right-aligned row per function name."""


def choose_unit(value, units, step):
    """(factor, unit) for the largest unit in which `value` is at least 1 (the last unit
    otherwise): ``units`` from the largest down, each `step` times smaller."""
    factor = 1
    for unit in units[:-1]:
        if value * factor >= 1:
            return factor, unit
        factor *= step
    return factor, units[-1]


def write_table(rows, file):
    """Writes `rows` (lists of strings, the first the header) right-aligned, two spaces
    between columns."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        file.write('  '.join(cell.rjust(w) for cell, w in zip(row, widths)) + '\n')
    if hasattr(file, 'flush'):
        file.flush()


def summarize(history, fields):
    """{function name: {field: sum, 'occurrence': count}} of (name, value...) records."""
    summary = {}
    for name, *values in history:
        record = summary.setdefault(name, dict.fromkeys(fields, 0), )
        for field, value in zip(fields, values):
            record[field] += value
        record['occurrence'] = record.get('occurrence', 0) + 1
    return summary
