"""Input formats for zh-hans. Django's own list starts with 2016/09/05, and a form widget renders its value in the
first input format: an <input type=date> then carries a value browsers reject (they take only ISO 2016-09-05), so
the date never pre-fills. ISO comes first here; slashes and 2016年9月5日 are still read when typed."""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2016-09-05, what <input type=date> sends and must be given
    "%Y/%m/%d",  # 2016/09/05
    "%Y年%m月%d日",  # 2016年9月5日
]

DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",  # <input type=datetime-local>
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M",
]
