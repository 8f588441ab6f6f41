"""Pre-trial meetings: an ISVA or the police officer in the case asks the area's VLO team for a
pre-trial meeting with the CPS for the victim they support; the VLO team confirms a slot, proposes
another or records that none is needed, and afterwards records the outcome.

Nothing here names the victim: no name, address, date of birth or contact detail is asked for or
stored. The CPS case reference (URN) is restricted data: only the requester, their agency's
administrators and the area's VLO team see it, and the retention job deletes it a period after the
outcome is recorded (agencies/victims/meetings/retention.py)."""
