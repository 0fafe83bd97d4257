# Dates in full, as the charity writes them: "27 November 2016" (Django's own is "27 Nov 2016").
# Spanish keeps Django's "27 de noviembre de 2016".
DATE_FORMAT = "j F Y"
