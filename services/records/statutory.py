"""The statutory items England's returns need (../shared/docs/returns.md), and where each
comes from. Most are answers to template questions; a few are derived by ICS itself (an id, a
count, a date another service computes). A test proves every `question` item is fed by some
question in the shipped templates, so no return can ask for something ICS never records.

The exporters (services/records/returns/) read a `question` item through the statutory tags of
whichever template version a document was written with. Where ICS also keeps the fact as a
record of its own, that record is the one truth the return reads: the child's identity and
characteristics from the person record, referral and closure dates from the episode, plan start
and end dates from the plan, looked-after periods, legal statuses and placements from care and
placements."""

from __future__ import annotations

# return -> item -> "question" (a template question must feed it) or why it is derived instead.
QUESTION = "question"

CIN_CENSUS: dict[str, str] = {
    "LAchildID": "derived: the council's child id on the person record",
    "UPN": QUESTION, "FormerUPN": QUESTION, "UPNunknown": QUESTION,
    "PersonBirthDate": QUESTION, "ExpectedPersonBirthDate": QUESTION, "Sex": QUESTION,
    "PersonDeathDate": QUESTION, "Ethnicity": QUESTION, "Disability": QUESTION,
    "CINreferralDate": QUESTION, "ReferralSource": QUESTION, "PrimaryNeedCode": QUESTION,
    "CINclosureDate": QUESTION, "ReasonForClosure": QUESTION, "ReferralNFA": QUESTION,
    "DateOfInitialCPC": QUESTION, "AssessmentActualStartDate": QUESTION,
    "AssessmentInternalReviewDate": QUESTION, "AssessmentAuthorisationDate": QUESTION,
    "AssessmentFactors": QUESTION, "CINPlanStartDate": QUESTION, "CINPlanEndDate": QUESTION,
    "S47ActualStartDate": QUESTION, "InitialCPCtarget": "derived: the alerts service's ICPC clock",
    "ICPCnotRequired": QUESTION, "CPPstartDate": QUESTION, "CPPendDate": QUESTION,
    "InitialCategoryOfAbuse": QUESTION, "LatestCategoryOfAbuse": QUESTION,
    "NumberOfPreviousCPP": "derived: counted from earlier child protection plans",
    "CPPreviewDate": QUESTION,
}

SSDA903: dict[str, str] = {
    "CHILD": "derived: the council's child id", "SEX": QUESTION, "DOB": QUESTION, "ETHNIC": QUESTION,
    "UPN": QUESTION, "MOTHER": QUESTION, "MC_DOB": QUESTION,
    "DECOM": QUESTION, "RNE": QUESTION, "LS": QUESTION, "CIN": QUESTION, "PLACE": QUESTION,
    "PLACE_PROVIDER": QUESTION, "DEC": QUESTION, "REC": QUESTION, "REASON_PLACE_CHANGE": QUESTION,
    "HOME_POST": QUESTION, "PL_POST": QUESTION, "URN": QUESTION,
    "REVIEW": QUESTION, "REVIEW_CODE": QUESTION, "DUC": QUESTION,
    "SDQ_SCORE": QUESTION, "SDQ_REASON": QUESTION, "CONVICTED": QUESTION, "HEALTH_CHECK": QUESTION,
    "IMMUNISATIONS": QUESTION, "TEETH_CHECK": QUESTION, "HEALTH_ASSESSMENT": QUESTION,
    "SUBSTANCE_MISUSE": QUESTION, "INTERVENTION_RECEIVED": QUESTION, "INTERVENTION_OFFERED": QUESTION,
    "IN_TOUCH": QUESTION, "ACTIV": QUESTION, "ACCOM": QUESTION,
    "DATE_INT": QUESTION, "DATE_MATCH": QUESTION, "FOSTER_CARE": QUESTION, "NB_ADOPTR": QUESTION,
    "SEX_ADOPTR": QUESTION, "LS_ADOPTR": QUESTION, "DATE_PLACED": QUESTION,
    "DATE_PLACED_CEASED": QUESTION, "REASON_PLACED_CEASED": QUESTION,
    "PREV_PERM": QUESTION, "LA_PERM": QUESTION, "DATE_PERM": QUESTION,
    "MISSING": QUESTION, "MIS_START": QUESTION, "MIS_END": QUESTION,
    "SW_ID": "derived: allocation history (R-ONE-TRUTH)", "SW_DECOM": "derived: allocation history",
    "SW_DEC": "derived: allocation history", "SW_REASON": QUESTION,
    "DOLO_START": QUESTION, "DOLO_END": QUESTION,
}

RETURNS = {"cin": CIN_CENSUS, "ssda903": SSDA903}


def question_items() -> set[tuple[str, str]]:
    return {(ret, item) for ret, items in RETURNS.items() for item, source in items.items() if source == QUESTION}
