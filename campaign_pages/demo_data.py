"""The wording of the demo content: focus areas, the 25 practices, resources, news, pages.

Written for this project. Practices 14 to 25 are illustrative examples of our own, not
the campaign's official wording; they are flagged ``illustrative`` so the site says so.
"""

CHECKLIST = {
    "slug": "trust-building-25",
    "name": "25 key policies and practices",
    "intro": (
        "The practices agencies commit to adopt within 36 months, in six focus areas. "
        "Practices 14 to 25 are illustrative wording that editors should replace with "
        "the campaign's official text."
    ),
}

# (slug, title, code prefix, summary)
FOCUS_AREAS = [
    (
        "bias-free-policing",
        "Bias-Free Policing",
        "BF",
        "Fair and impartial treatment for everyone, backed by clear written policy, open "
        "reporting on force and complaints, and officers who know the cultures they serve.",
    ),
    (
        "use-of-force",
        "Use of Force",
        "UF",
        "Force policy aligned with national consensus standards, regular de-escalation "
        "training, and a record of every use of force that the agency reviews and learns from.",
    ),
    (
        "leadership-and-culture",
        "Leadership and Culture",
        "LC",
        "An agency culture that puts human life first, accepts outside review and cares for "
        "the wellbeing and fair treatment of its own people.",
    ),
    (
        "recruitment-hiring-and-retention",
        "Recruitment, Hiring, and Retention",
        "RH",
        "Finding, choosing and keeping people who reflect their community and serve it well, "
        "so trust is built into the workforce from day one.",
    ),
    (
        "victim-services",
        "Victim Services",
        "VS",
        "A police response that puts the needs and rights of victims first, so they feel "
        "supported and stay involved in the justice process.",
    ),
    (
        "community-relations",
        "Community Relations",
        "CR",
        "Lasting two-way relationships with residents: listening, measuring trust and "
        "producing public safety together.",
    ),
]

# (number, focus-area slug, title, description, illustrative)
PRACTICES = [
    (
        1,
        "bias-free-policing",
        "Written bias-free policing policy",
        "The agency has a written policy that forbids biased policing and says how it is enforced.",
        False,
    ),
    (
        2,
        "bias-free-policing",
        "Published use-of-force and complaint policies",
        "The public can read how the agency uses force and how complaints are handled, with the data behind them.",
        False,
    ),
    (
        3,
        "bias-free-policing",
        "Cultural responsiveness training and coaching",
        "Officers receive training and coaching in responding to people of every culture with respect.",
        False,
    ),
    (
        4,
        "bias-free-policing",
        "Knowing the local community",
        "Officers learn about the make-up of the community, such as countries of origin, faiths and customs, including customs that may clash with local law.",
        False,
    ),
    (
        5,
        "use-of-force",
        "Policy built on the National Consensus Policy",
        "The use-of-force policy includes the elements of the National Consensus Policy on Use of Force and is published.",
        False,
    ),
    (
        6,
        "use-of-force",
        "Scenario-based training with de-escalation",
        "Officers train regularly on the use-of-force policy through realistic scenarios that include de-escalation.",
        False,
    ),
    (
        7,
        "use-of-force",
        "Every use of force recorded and reviewed",
        "Any force beyond handcuffing is documented, and the records are reviewed every year for trends.",
        False,
    ),
    (
        8,
        "use-of-force",
        "National use-of-force data collection",
        "The agency reports to the national use-of-force data collection.",
        False,
    ),
    (
        9,
        "leadership-and-culture",
        "Sanctity of life",
        "A policy or statement commits the agency to preserving life in every encounter; adopting the Oath of Honor counts.",
        False,
    ),
    (
        10,
        "leadership-and-culture",
        "Independent accreditation",
        "An independent body reviews the agency's policies and procedures through accreditation, certification or credentialing.",
        False,
    ),
    (
        11,
        "leadership-and-culture",
        "Equity, inclusion and procedural justice",
        "Training and policy reflect equity, diversity, inclusion and accountability, and promote procedural justice for residents and staff alike.",
        False,
    ),
    (
        12,
        "leadership-and-culture",
        "Employee wellness programme",
        "Staff have access to a wellness programme for physical and mental health.",
        False,
    ),
    (
        13,
        "leadership-and-culture",
        "Culture assessment",
        "The agency assesses its organisational culture and acts on what it finds.",
        False,
    ),
    (
        14,
        "recruitment-hiring-and-retention",
        "A recruitment plan that reflects the community",
        "A written plan sets measurable goals for a workforce that reflects the community, with yearly progress reports.",
        True,
    ),
    (
        15,
        "recruitment-hiring-and-retention",
        "Hiring that screens for bias and values",
        "Hiring includes background, psychological and values-based screening, with checks for bias and past misconduct.",
        True,
    ),
    (
        16,
        "recruitment-hiring-and-retention",
        "Field training and mentoring",
        "Each new officer gets structured field training and a mentor for the first year.",
        True,
    ),
    (
        17,
        "recruitment-hiring-and-retention",
        "Careers worth staying for",
        "Promotion criteria are transparent, careers are developed, and exit interviews are analysed and acted on.",
        True,
    ),
    (
        18,
        "victim-services",
        "Victim-centred, trauma-informed response",
        "A policy makes the response to victims victim-centred and trauma-informed from first contact to case closure.",
        True,
    ),
    (
        19,
        "victim-services",
        "Dedicated victim services",
        "Victim services are provided by dedicated staff or through a formal partnership with local advocates.",
        True,
    ),
    (
        20,
        "victim-services",
        "Victims kept informed",
        "Every victim is told about their rights and the help available, and kept up to date on their case.",
        True,
    ),
    (
        21,
        "victim-services",
        "Trauma-informed interviewing",
        "Officers and investigators are trained in trauma-informed interviewing and in referring victims for support.",
        True,
    ),
    (
        22,
        "community-relations",
        "Community trust survey",
        "The agency regularly surveys residents on their trust in the police and publishes the results and what it did about them.",
        True,
    ),
    (
        23,
        "community-relations",
        "Community advisory board",
        "A community advisory board that reflects the community meets regularly, and the agency acts on its advice.",
        True,
    ),
    (
        24,
        "community-relations",
        "Open data on stops, force and complaints",
        "Data on stops, use of force and complaints is published on a schedule in an open, machine-readable format.",
        True,
    ),
    (
        25,
        "community-relations",
        "Community engagement programmes",
        "The agency runs programmes with residents, young people and community groups, and reports on its work through its own channels.",
        True,
    ),
]

# (title, type, publisher, focus-area slugs, practice numbers, has document, summary)
RESOURCES = [
    (
        "Open data in policing: a practical guide",
        "guide",
        "Campaign team",
        ["bias-free-policing", "community-relations"],
        [2, 24],
        True,
        "How to choose, clean and publish datasets on stops, force and complaints.",
    ),
    (
        "Publishing your complaint process",
        "toolkit",
        "Campaign team",
        ["bias-free-policing"],
        [2],
        True,
        "Templates for a plain-language page explaining how residents can complain and what happens next.",
    ),
    (
        "Model policy: bias-free policing",
        "model-policy",
        "Campaign team",
        ["bias-free-policing"],
        [1],
        True,
        "A model policy agencies can adapt, with definitions, duties and supervision.",
    ),
    (
        "Cultural responsiveness for patrol officers",
        "training",
        "Regional training academy",
        ["bias-free-policing"],
        [3, 4],
        True,
        "A four-module course with facilitator notes and scenario cards.",
    ),
    (
        "Mapping your community",
        "data-tool",
        "Campaign team",
        ["bias-free-policing", "community-relations"],
        [4],
        False,
        "A worksheet and open data sources to describe the people an agency serves.",
    ),
    (
        "Model policy: use of force",
        "model-policy",
        "Campaign team",
        ["use-of-force"],
        [5],
        True,
        "A policy template aligned with the National Consensus Policy on Use of Force.",
    ),
    (
        "De-escalation scenarios",
        "training",
        "Regional training academy",
        ["use-of-force"],
        [6],
        True,
        "Twelve realistic scenarios for training de-escalation and proportionate response.",
    ),
    (
        "Use-of-force reporting form and annual review",
        "toolkit",
        "Campaign team",
        ["use-of-force"],
        [7],
        True,
        "A reporting form and a checklist for the yearly review of force incidents.",
    ),
    (
        "Joining the national use-of-force data collection",
        "article",
        "Campaign team",
        ["use-of-force"],
        [8],
        False,
        "What participating involves, step by step, and how long it takes.",
    ),
    (
        "Understanding force data: a short video",
        "video",
        "Campaign team",
        ["use-of-force"],
        [7, 8],
        False,
        "A ten-minute explainer on reading force statistics without drawing the wrong conclusions.",
    ),
    (
        "Sanctity of life: sample statement",
        "model-policy",
        "Campaign team",
        ["leadership-and-culture"],
        [9],
        True,
        "A sample statement and the Oath of Honor, with notes on adopting them.",
    ),
    (
        "Preparing for accreditation",
        "guide",
        "Campaign team",
        ["leadership-and-culture"],
        [10],
        True,
        "An overview of accreditation and certification programmes and how to prepare.",
    ),
    (
        "Employee wellness programme toolkit",
        "toolkit",
        "Officer wellness network",
        ["leadership-and-culture"],
        [12],
        True,
        "Components of a wellness programme, from peer support to fitness and counselling.",
    ),
    (
        "Culture assessment survey",
        "data-tool",
        "Campaign team",
        ["leadership-and-culture"],
        [11, 13],
        True,
        "A staff survey with a scoring guide and ideas for acting on the results.",
    ),
    (
        "Recruitment toolkit",
        "toolkit",
        "Campaign team",
        ["recruitment-hiring-and-retention"],
        [14],
        True,
        "Outreach plans, job advertisement examples and goal-setting worksheets.",
    ),
    (
        "Best practices in hiring and retention",
        "guide",
        "Campaign team",
        ["recruitment-hiring-and-retention"],
        [15, 17],
        True,
        "What research and experienced agencies say about selecting and keeping good officers.",
    ),
    (
        "Field training officer handbook",
        "training",
        "Regional training academy",
        ["recruitment-hiring-and-retention"],
        [16],
        True,
        "A handbook for field training officers and mentors of new recruits.",
    ),
    (
        "Victim-centred response strategy",
        "guide",
        "Victim services network",
        ["victim-services"],
        [18, 20],
        True,
        "A strategy for putting victims' needs at the centre of every stage of the police response.",
    ),
    (
        "Setting up law-enforcement-based victim services",
        "toolkit",
        "Victim services network",
        ["victim-services"],
        [19],
        True,
        "Staffing models, partnership agreements and budgets for victim services.",
    ),
    (
        "Trauma-informed interviewing",
        "training",
        "Victim services network",
        ["victim-services"],
        [21],
        True,
        "A course on interviewing victims without re-traumatising them.",
    ),
    (
        "Measuring community trust",
        "data-tool",
        "Campaign team",
        ["community-relations"],
        [22],
        True,
        "A survey instrument and method for measuring residents' trust over time.",
    ),
    (
        "Running a community advisory board",
        "guide",
        "Campaign team",
        ["community-relations"],
        [23],
        True,
        "Membership, terms of reference and meeting formats that work.",
    ),
    (
        "Youth engagement programmes that work",
        "article",
        "Campaign team",
        ["community-relations"],
        [25],
        False,
        "Examples of programmes with young people, and what made them succeed.",
    ),
    (
        "How the campaign works",
        "video",
        "Campaign team",
        [
            "bias-free-policing",
            "use-of-force",
            "leadership-and-culture",
            "recruitment-hiring-and-retention",
            "victim-services",
            "community-relations",
        ],
        [],
        False,
        "A short introduction to the pledge, the 25 practices and the path to completion.",
    ),
]

# (title, days ago, author, summary, tags, body paragraph)
NEWS = [
    (
        "State listening session on the campaign draws chiefs and residents",
        3,
        "Campaign team",
        "Police leaders, advocates and residents met to discuss how the 25 practices could work in their state.",
        ["listening session", "community"],
        "More than a hundred people attended the state listening session, held in a public library. Chiefs "
        "described the practices they have in place, residents asked how progress would be reported, and "
        "victim advocates spoke about the importance of keeping victims informed. The notes of the session "
        "will inform the next edition of the resource library.",
    ),
    (
        "Twenty new agencies join the campaign",
        12,
        "Campaign team",
        "Municipal, county and campus agencies pledged this quarter to adopt the 25 practices.",
        ["members"],
        "Agencies of every size joined this quarter, from a campus department of twelve officers to a county "
        "police service of several hundred.",
    ),
    (
        "New de-escalation scenarios in the resource library",
        25,
        "Training team",
        "Twelve scenarios for training de-escalation are now available to download.",
        ["training", "use of force"],
        "The scenarios were written with experienced trainers and tested by three agencies.",
    ),
    (
        "What completing the campaign involves",
        40,
        "Campaign team",
        "Agencies have 36 months to put all 25 practices in place. Here is how completion is confirmed.",
        ["completion"],
        "When an agency reports all 25 practices in place, the campaign reviews the evidence and confirms "
        "completion. Completing agencies receive a certificate.",
    ),
    (
        "Measuring community trust: first results",
        60,
        "Research team",
        "Agencies that surveyed residents share what they learned and what they changed.",
        ["community", "data"],
        "Survey results varied widely between neighbourhoods, and agencies used them to plan outreach.",
    ),
    (
        "Victim services: lessons from partner agencies",
        75,
        "Campaign team",
        "Three agencies describe how they set up dedicated victim services.",
        ["victim services"],
        "Partnerships with local advocates let smaller agencies offer victim services without new hires.",
    ),
]

PRESS_SLUG = "press"

# (slug, title, intro, body paragraphs, show in menus)
STANDARD_PAGES = [
    (
        "about",
        "About the campaign",
        "A campaign in which police agencies commit to 25 practices that build trust with the communities they serve.",
        [
            "Agencies pledge to put 25 key policies and practices in place within 36 months, across six focus "
            "areas. Agencies showing serious commitment in all six areas are recognised publicly as members.",
            "Practices 14 to 25 shown on this site are illustrative wording prepared for this website; the "
            "campaign's official text replaces them.",
        ],
        True,
    ),
    (
        "faq",
        "Frequently asked questions",
        "Answers to the questions agencies and residents ask most.",
        [],
        True,
    ),
    (
        "contact",
        "Contact",
        "How to reach the campaign team.",
        [
            "Write to the campaign team at the address shown at the foot of every page. We answer within "
            "five working days."
        ],
        False,
    ),
    (
        PRESS_SLUG,
        "Press and social media toolkit",
        "Logos, key messages and ready-made posts for agencies and journalists.",
        [],  # the body is the toolkit (demo_toolkit.body)
        True,
    ),
]

FAQ = [
    (
        "Who can take the pledge?",
        "Any law-enforcement agency, in the United States or elsewhere.",
    ),
    (
        "How long do agencies have?",
        "Thirty-six months from the pledge to put all 25 practices in place.",
    ),
    ("Is there a fee?", "No. Joining the campaign is free."),
    (
        "Which practices are illustrative?",
        "Practices 14 to 25 on this site are illustrative wording, pending the official text.",
    ),
]
