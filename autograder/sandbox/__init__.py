"""The security boundary: the only place student code runs.

``pool`` (in the grader) starts ``zygote`` processes that fork one confined ``child`` per job;
``protocol`` owns a job's file names and keys, ``transport`` moves values as plain arrays and
JSON. Nothing here imports the grading side: a child never holds expected outputs.
"""
