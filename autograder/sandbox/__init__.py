"""The security boundary: the only place student code runs.

``pool`` (in the grader) starts ``zygote`` processes that fork one confined ``child`` per job,
set up by ``confinement``; ``protocol`` defines the messages on every wire and a job's limits,
``channel`` frames them on a socket and ``transport`` moves values as plain arrays and JSON,
bounded on reading. Nothing here imports the grading side: a child never holds expected outputs.
"""
