"""Word lists of the organisation: departments, objectives, roles and people's names."""

from __future__ import annotations

# (code, name, sponsor, weight of the portfolio it owns); the first 7 are the demo's.
DEPARTMENTS = (
    ("IT", "Information Technology", "Chief Information Officer", 3.0),
    ("FIN", "Finance", "Chief Financial Officer", 1.4),
    ("OPS", "Operations", "Chief Operating Officer", 1.6),
    ("MKT", "Marketing", "Chief Marketing Officer", 1.2),
    ("HR", "Human Resources", "Chief People Officer", 0.8),
    ("SAL", "Sales", "Chief Commercial Officer", 1.1),
    ("R&D", "Research and Development", "Chief Technology Officer", 1.3),
    ("LEG", "Legal and Compliance", "General Counsel", 0.7),
    ("SCM", "Supply Chain", "Supply Chain Director", 0.9),
    ("CSV", "Customer Service", "Customer Service Director", 0.9),
    ("PRC", "Procurement", "Chief Procurement Officer", 0.5),
    ("RSK", "Risk Management", "Chief Risk Officer", 0.6),
    ("FAC", "Facilities", "Facilities Director", 0.5),
    ("DAT", "Data and Analytics", "Chief Data Officer", 1.0),
    ("SEC", "Information Security", "Chief Information Security Officer", 0.7),
    ("COM", "Corporate Communications", "Communications Director", 0.4),
    ("STR", "Strategy", "Chief Strategy Officer", 0.5),
    ("MFG", "Manufacturing", "Manufacturing Director", 1.0),
    ("QUA", "Quality", "Quality Director", 0.5),
    ("ESG", "Sustainability", "Chief Sustainability Officer", 0.5),
)

# (code, name, description, weight in alignment scores); target shares of spend are below.
OBJECTIVES = (
    ("GROW", "Grow digital revenue", "New digital products and channels that bring revenue.", 0.30),
    ("CX", "Improve customer experience",
     "Faster, simpler and more reliable service for customers.", 0.25),
    ("EFF", "Operational efficiency",
     "Lower unit costs through automation and simplification.", 0.20),
    ("COMP", "Regulatory compliance and risk reduction",
     "Meet regulation and reduce operational risk.", 0.15),
    ("ESG", "Sustainability", "Reduce emissions and meet ESG commitments.", 0.10),
    ("DATA", "Data-driven decisions", "Trusted data and analytics for every decision.", 0.20),
    ("TAL", "Talent and culture", "Attract, develop and keep the right people.", 0.10),
    ("PLAT", "Platform modernisation", "Retire legacy systems and move to the cloud.", 0.20),
)
OBJECTIVE_TARGET_SHARES = {  # by number of objectives; each tuple sums to 1
    5: (0.30, 0.25, 0.25, 0.12, 0.08),
    8: (0.20, 0.16, 0.15, 0.10, 0.06, 0.12, 0.06, 0.15),
}

# (role, team family, hourly rate, supply ratio = people's capacity / demand: < 1 is over-allocated)
ROLES = (
    ("Project Manager", "Project Management", 110.0, 1.00),
    ("Business Analyst", "Business Analysis", 95.0, 1.25),
    ("Developer", "Software Engineering", 90.0, 0.92),
    ("Architect", "Architecture", 130.0, 0.75),
    ("Tester", "Quality Assurance", 80.0, 1.05),
    ("Data Engineer", "Data and Analytics", 100.0, 0.85),
    ("UX Designer", "Digital Experience", 90.0, 1.15),
    ("Infrastructure Engineer", "Infrastructure and Cloud", 95.0, 1.00),
    ("Security Engineer", "Cyber Security", 120.0, 0.70),
    ("Change Manager", "Business Change", 95.0, 1.30),
)
ROLE_NAMES = tuple(r[0] for r in ROLES)
PM = 0
"""Index of 'Project Manager' in ROLES."""

# Base full-time equivalents per role (columns follow ROLES) for a project of size 1, by
# methodology, and the probability that a project of that methodology needs the role at all.
ROLE_FTE = {
    "agile": (0.4, 0.6, 2.6, 0.3, 1.0, 0.6, 0.7, 0.3, 0.2, 0.3),
    "waterfall": (0.5, 1.0, 2.0, 0.4, 1.1, 0.5, 0.3, 0.6, 0.2, 0.5),
    "v_model": (0.5, 0.8, 1.8, 0.5, 1.6, 0.4, 0.2, 0.5, 0.4, 0.3),
    "hybrid": (0.5, 0.8, 2.2, 0.4, 1.2, 0.5, 0.5, 0.4, 0.3, 0.4),
}
ROLE_NEEDED = {
    "agile": (1.0, 0.8, 1.0, 0.6, 0.9, 0.4, 0.8, 0.5, 0.4, 0.5),
    "waterfall": (1.0, 1.0, 0.95, 0.7, 1.0, 0.4, 0.3, 0.7, 0.4, 0.7),
    "v_model": (1.0, 1.0, 0.95, 0.8, 1.0, 0.3, 0.2, 0.6, 0.6, 0.5),
    "hybrid": (1.0, 0.9, 1.0, 0.7, 0.9, 0.4, 0.5, 0.6, 0.5, 0.6),
}
# When in the project's life (0 = start, 1 = finish) a role is busiest, and how wide its bump is.
ROLE_PEAK = (0.5, 0.2, 0.55, 0.25, 0.75, 0.5, 0.3, 0.65, 0.6, 0.85)
ROLE_WIDTH = (2.0, 0.5, 0.6, 0.6, 0.45, 0.7, 0.5, 0.6, 0.7, 0.45)
# Technical roles live in IT (and R&D / Data when the organisation has them); others everywhere.
TECHNICAL = ("Developer", "Architect", "Tester", "Data Engineer", "UX Designer",
             "Infrastructure Engineer", "Security Engineer")
TECH_HOMES = ("IT", "R&D", "DAT", "SEC")

FIRST_NAMES = ("Aisha", "Alex", "Alice", "Amelia", "Ana", "Andrea", "Anna", "Arjun", "Ben", "Bruno",
               "Carla", "Carlos", "Charlotte", "Chen", "Chloe", "Claire", "Daniel", "David",
               "Diego", "Elena", "Elif", "Emma", "Erik", "Fatima", "Felix", "Freya", "Gabriel",
               "Grace", "Hana", "Hannah", "Hugo", "Ines", "Isaac", "Ivan", "Jack", "James", "Jana",
               "Javier", "Julia", "Karim", "Katarzyna", "Kenji", "Laura", "Lea", "Leo", "Liam",
               "Lina", "Lucas", "Luis", "Maria", "Marta", "Mateo", "Maya", "Mehmet", "Mia",
               "Mohammed", "Nadia", "Nina", "Noah", "Nora", "Olga", "Oliver", "Omar", "Paul",
               "Pedro", "Priya", "Rafael", "Ravi", "Rosa", "Ruth", "Sam", "Sara", "Sofia", "Stefan",
               "Tariq", "Thomas", "Tom", "Valentina", "Victor", "Wei", "Yara", "Yusuf", "Zoe",
               "Ahmed", "Beatriz", "Camille", "Dmitri", "Eva", "Farah", "Georg", "Helena", "Ingrid",
               "Jonas", "Kofi", "Lars", "Mariam", "Nils", "Oskar", "Pia", "Quentin")
LAST_NAMES = ("Adams", "Ahmed", "Alvarez", "Andersen", "Bauer", "Becker", "Bernard", "Brown",
              "Carter", "Chen", "Costa", "Dubois", "Eriksson", "Evans", "Fernandes", "Fischer",
              "Garcia", "Gonzalez", "Green", "Hansen", "Hughes", "Ivanova", "Jensen", "Johnson",
              "Kaur", "Keller", "Khan", "Kim", "Kowalski", "Larsen", "Laurent", "Lee", "Lopez",
              "Martin", "Meyer", "Moreau", "Muller", "Nakamura", "Nguyen", "Nielsen", "Novak",
              "Byrne", "Okafor", "Olsen", "Patel", "Perez", "Petrov", "Rossi", "Russo", "Sanchez",
              "Santos", "Schmidt", "Schneider", "Silva", "Singh", "Smith", "Sorensen", "Suzuki",
              "Taylor", "Thomas", "Tanaka", "Walker", "Wang", "Weber", "White", "Williams",
              "Wilson", "Wojcik", "Yilmaz", "Young", "Zhang", "Ziegler", "Berg", "Dahl", "Fontaine",
              "Haddad", "Ibrahim", "Jovanovic", "Klein", "Lindqvist", "Mendes", "Nowak", "Oliveira",
              "Popescu", "Quinn", "Richter", "Sato", "Torres", "Varga", "Vogel", "Wolf", "Yamamoto",
              "Zimmermann", "Baker", "Clarke", "Dias", "Engel", "Ferrari", "Gallo", "Horvat")
