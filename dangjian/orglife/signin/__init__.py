"""QR sign-in to a draft meeting: the secretary opens a window, members scan the code on their own phones."""
