"""Word lists for project names, milestones, gates, deliverables, risks, reports and lessons."""

from __future__ import annotations

SUBJECTS = {
    "IT": ("ERP platform", "Service desk tooling", "Identity and access management",
           "Cloud landing zone", "Network", "Data centre exit", "Collaboration suite",
           "Mainframe batch", "API gateway", "Observability platform"),
    "FIN": ("Payroll system", "Month-end close", "Treasury management", "Expense management",
            "Financial planning", "Accounts payable", "Invoice processing", "Group consolidation"),
    "OPS": ("Warehouse management", "Field service scheduling", "Fleet telematics",
            "Order fulfilment", "Maintenance planning", "Returns handling", "Shift planning",
            "Quality inspection"),
    "MKT": ("Customer portal", "Brand website", "Marketing automation", "Loyalty programme",
            "Campaign analytics", "Content management", "Mobile app", "Customer data platform"),
    "HR": ("Recruitment platform", "Learning portal", "Performance review", "Employee onboarding",
           "Time and attendance", "HR self-service", "Workforce planning"),
    "SAL": ("CRM", "Partner portal", "Quote-to-cash", "Sales forecasting", "E-commerce checkout",
            "Pricing engine", "Contract management"),
    "R&D": ("Product lifecycle management", "Lab information system", "Simulation cluster",
            "Prototype testing", "IoT sensor platform", "Digital twin"),
}
GENERIC_SUBJECTS = ("Document management", "Reporting", "Workflow", "Case management",
                    "Knowledge base", "Process", "Supplier portal", "Analytics dashboard",
                    "Records management", "Risk register", "Policy management", "Asset register")
ACTIONS = ("redesign", "migration", "modernisation", "rollout", "upgrade", "consolidation",
           "automation", "replacement", "implementation", "optimisation", "integration",
           "harmonisation", "cloud migration", "self-service launch")
SUFFIXES = ("", " (EMEA)", " (Americas)", " (APAC)", " phase 2", " phase 3", " pilot", " wave 2")
BENEFITS = ("cut processing time", "reduce operating costs", "improve data quality",
            "meet new regulatory requirements", "retire an unsupported system",
            "give customers a better experience", "increase revenue", "reduce manual work")

# (gate type, name, position in the project's life 0..1)
GATES = (
    ("G0_idea", "G0 Idea approval", 0.0),
    ("G1_framing", "G1 Framing review", 0.1),
    ("G2_go", "G2 Go for execution", 0.16),
    ("G3_delivery", "G3 Delivery acceptance", 0.88),
    ("G4_closure", "G4 Closure", 1.0),
)
GATE_DELIVERABLES = {
    "G0_idea": ("Idea brief", "Sponsor endorsement", "Rough order of magnitude estimate",
                "Strategic fit note"),
    "G1_framing": ("Framing file", "Business case", "Risk register", "Provisional plan",
                   "Stakeholder map"),
    "G2_go": ("Detailed plan", "Budget approval", "Team staffing plan", "Architecture review",
              "Procurement plan"),
    "G3_delivery": ("Acceptance report", "Test report", "Operational readiness checklist",
                    "Training completed", "Security sign-off"),
    "G4_closure": ("Lessons learned", "Final cost report", "Handover to operations",
                   "Benefits tracking plan"),
}
MILESTONES = {
    "agile": (("Backlog and roadmap agreed", 0.2), ("MVP release", 0.45), ("Release 2", 0.65),
              ("Release 3", 0.8)),
    "waterfall": (("Requirements signed off", 0.25), ("Design complete", 0.4),
                  ("Build complete", 0.65), ("User acceptance tests complete", 0.8),
                  ("Go-live", 0.9)),
    "v_model": (("System specification approved", 0.25), ("Detailed design approved", 0.38),
                ("Integration tests passed", 0.65), ("System tests passed", 0.78),
                ("Acceptance tests passed", 0.86)),
    "hybrid": (("Requirements baseline", 0.22), ("Pilot release", 0.5), ("Full rollout", 0.82),
               ("Hypercare complete", 0.95)),
}

RISK_TITLES = {
    "technical": ("Legacy interfaces poorly documented", "Platform performance under peak load",
                  "Data migration quality below target",
                  "Integration with the ERP harder than estimated", "Technical debt slows delivery",
                  "New framework unfamiliar to the team"),
    "schedule": ("Vendor delivery may slip", "Test environment not available on time",
                 "Dependency on another project's release", "Holiday period reduces team capacity",
                 "Late decisions on requirements"),
    "financial": ("Licence costs above the quote", "Exchange rate exposure on supplier contract",
                  "Contractor rates rising", "Benefits may not materialise",
                  "Budget cut in next cycle"),
    "resource": ("Key architect may leave", "Developers shared with run activities",
                 "Scarce security expertise", "Business users unavailable for testing",
                 "Onboarding of new contractors slow"),
    "regulatory": ("New regulation changes requirements",
                   "Data protection impact assessment pending",
                   "Audit findings must be closed first",
                   "Regulator approval needed before go-live"),
    "supplier": ("Supplier financial instability", "Supplier misses quality targets",
                 "Single supplier for a critical component", "Contract terms not yet signed"),
    "security": ("Penetration test may find critical issues",
                 "Privileged access not yet controlled",
                 "Third-party component with known vulnerabilities",
                 "Personal data exposed in test data"),
}
MITIGATIONS = {
    "technical": ("Run a proof of concept early", "Add a performance test sprint",
                  "Pair the team with the platform experts"),
    "schedule": ("Weekly tracking with the supplier", "Book environments three months ahead",
                 "Add float before the gate"),
    "financial": ("Negotiate a fixed price", "Hold a contingency reserve",
                  "Review the business case quarterly"),
    "resource": ("Cross-train a second person", "Agree dedicated time with line managers",
                 "Start recruitment now"),
    "regulatory": ("Engage compliance early", "Track the regulation with legal",
                   "Plan for an extra review"),
    "supplier": ("Identify a second supplier", "Add penalties to the contract",
                 "Monthly supplier review"),
    "security": ("Schedule the penetration test earlier", "Mask personal data in test sets",
                 "Patch components before release"),
}

GREEN_COMMENTS = ("On track; next milestone on schedule.",
                  "Progress as planned; no escalation needed.",
                  "Sprint goals met and budget in line with plan.",
                  "Steady progress; team fully staffed.", "Delivery on plan; stakeholders engaged.",
                  "Good progress; risks under control.")
SCHEDULE_REASONS = ("vendor delivery of the integration layer is late",
                    "key developer roles still unfilled",
                    "the test environment was unavailable for three weeks",
                    "a dependency on the ERP upgrade slipped", "requirements were signed off late",
                    "data migration rehearsals failed twice")
COST_REASONS = ("contractor day rates are above budget",
                "rework after failed user acceptance tests", "licence costs are higher than quoted",
                "extra sprints were needed to stabilise the data migration",
                "scope was added without re-baselining", "overtime to recover the schedule")
SCOPE_REASONS = ("the business asked for two extra reports",
                 "new regulatory requirements were added",
                 "the integration scope grew after discovery")
QUALITY_REASONS = ("defect backlog is growing", "performance tests are failing",
                   "user acceptance found usability issues")
HOLD_REASONS = ("budget frozen pending the annual review",
                "waiting for a decision on the platform choice",
                "sponsor changed and priorities are under review",
                "team moved to an urgent regulatory project")

# category -> (title, went well, went badly, recommendation)
LESSONS = {
    "planning": ("Plan contingency explicitly", "Milestones were realistic and well understood",
                 "The plan ignored holiday periods",
                 "Add explicit contingency and plan around holidays."),
    "stakeholders": ("Engage users from the start", "Sponsor was visible and decisive",
                     "Key users were consulted too late", "Run user workshops during framing."),
    "technical": ("Prototype risky integrations early", "The architecture held up under load",
                  "Legacy interfaces took twice the estimate",
                  "Spike every legacy interface before committing."),
    "supplier": ("Manage suppliers on outcomes", "The supplier's team was stable and skilled",
                 "Deliverables were vague in the contract",
                 "Put acceptance criteria in every contract."),
    "governance": ("Keep gates short and factual", "Gate reviews caught problems early",
                   "Change requests were approved without impact analysis",
                   "Require a cost and schedule impact for every change request."),
    "people": ("Protect the core team", "The team was co-located and motivated",
               "Too many people were shared with run activities",
               "Dedicate the core team full time."),
}
LESSON_TAGS = {
    "planning": "planning,estimation", "stakeholders": "stakeholders,communication",
    "technical": "architecture,integration", "supplier": "vendor,contract",
    "governance": "gates,change-control", "people": "staffing,team",
}
