"""The project the registry scenarios are told with (tests/registry/test_semantics.py, test_cli_parity.py)."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SUBSIDY_12 = "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure"
LOAN_12 = "jfgg-2023-12-loan-interest-subsidy"
SPACE_000 = "jjxj-2022-old-factory-space-upgrade-support"
NO_DOUBLE_12 = "https://w3id.org/policykg/shape/jfgg/2023/12/rule/no-double-funding"
ONE_MODE_12 = "https://w3id.org/policykg/shape/jfgg/2023/12/rule/one-support-mode"
BASE = {  # 京发改规〔2023〕12号: an old factory over 3000 m², 30% of 8000 = 2400
    "type": "RenovationProject", "projectType": "old-factory", "floorArea": 8000,
    "fixedAssetInvestment": 8000, "status": "under-construction", "applicationDate": "2024-09-01",
    "propertyRightsClear": True, "operationsMechanism": True, "industryPositioning": "高精尖",
    "industryCategory": "high-tech", "requests": [{"measure": SUBSIDY_12, "amount": 2400}],
}


def project(ident: str, **changes: Any) -> dict[str, Any]:
    """The base project with its `id` and the changes (a None value removes the field)."""
    p = copy.deepcopy(BASE)
    p["id"] = ident
    p.update({k: v for k, v in changes.items() if v is not None})
    for k in [k for k, v in changes.items() if v is None]:
        p.pop(k, None)
    return p
