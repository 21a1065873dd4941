"""Forms in, forms out (CORE-7): Excel import and export, PDF and Word rendering.

``documents.excel`` reads and writes workbooks from one declarative layout per form, so an
export can always be imported again; ``documents.pdf`` and ``documents.word`` print forms and
reports with Chinese fonts. Domains (budget, appraisal, government) declare their layouts and
call these; nothing here knows about any domain.
"""
