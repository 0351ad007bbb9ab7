#!/usr/bin/env bash
# How the spreadsheet fixtures were made: by LibreOffice Calc from the CSV files beside them
# (UTF-8, comma-separated), so the tests read files as a real spreadsheet program writes them
# (typed codes become numbers, dates become serials, ...). Needs: apt-get install libreoffice-calc-nogui
set -euo pipefail
cd "$(dirname "$0")"
soffice --headless --infilter=CSV:44,34,76 --convert-to xlsx occupations-import.csv
soffice --headless --infilter=CSV:44,34,76 --convert-to xlsx standards-import.csv
soffice --headless --infilter=CSV:44,34,76 --convert-to ods regions-import.csv
soffice --headless --infilter=CSV:44,34,76 --convert-to xls standards-import.csv
# The roster with every kind of bad row: merged cells and a formula need a real spreadsheet file.
../../.venv/bin/python make_roster.py
soffice --headless --convert-to xlsx roster-bad.fods
soffice --headless --convert-to xls roster-bad.fods
