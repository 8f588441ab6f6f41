"""The one place that declares what the identifier detector treats as domain language, not as a
person, place or school: agencies, roles, courts, police forces and CPS areas the platform uses,
months and weekdays, and a few common words that are also given names.

The name detector is deny-by-default (see docs/adr/0010-identifier-detection.md): a capitalised
word that is neither an ordinary English word nor listed here is treated as a possible name, and a
second person must confirm it. A false alarm is fixed by adding the term HERE (reviewed like any
code change), never by weakening a pattern. Entries are matched case-insensitively on whole words
after normalisation (agencies.privacy.identifiers.normalise).
"""

from __future__ import annotations


def _lines(block: str) -> frozenset[str]:
    return frozenset(line.strip().lower() for line in block.strip().splitlines() if line.strip())


# Multi-word terms: every word inside one of these phrases is domain language where the phrase
# occurs (so "Referral" and "Centre" are not a surname and a name in "Sexual Assault Referral Centre").
DOMAIN_PHRASES = _lines(
    """
    Sexual Assault Referral Centre
    Sexual Assault Referral Centres
    Independent Sexual Violence Adviser
    Independent Sexual Violence Advisor
    Independent Domestic Violence Adviser
    Independent Domestic Violence Advisor
    Rape and Serious Sexual Offences
    Crown Prosecution Service
    Achieving Best Evidence
    Victims' Right to Review
    Victims Right to Review
    Code of Practice for Victims of Crime
    Victims' Code
    Victims' Commissioner
    Domestic Abuse Commissioner
    Home Office
    Ministry of Justice
    Witness Care Unit
    Witness Service
    Citizens Advice
    Rape Crisis
    Rape Crisis England and Wales
    Victim Support
    Operation Soteria
    Joint National Action Plan
    National Police Chiefs' Council
    College of Policing
    Independent Office for Police Conduct
    His Majesty's Crown Prosecution Service Inspectorate
    HM Crown Prosecution Service Inspectorate
    HM Inspectorate of Constabulary and Fire & Rescue Services
    Criminal Justice Board
    Local Criminal Justice Board
    Safeguarding Adults Board
    Safeguarding Children Partnership
    Multi-Agency Risk Assessment Conference
    Multi-Agency Public Protection Arrangements
    Child and Adolescent Mental Health Services
    National Health Service
    Crown Court
    Attorney General
    Solicitor General
    Director of Public Prosecutions
    Clare's Law
    Sarah's Law
    Turnbull direction
    Turnbull warning
    Turnbull guidelines
    Goodyear indication
    Newton hearing
    Galbraith submission
    Lucas direction
    Makanjuola warning
    Gillick competence
    Fraser guidelines
    Magistrates' Court
    Magistrates Court
    Youth Court
    Family Court
    Court of Appeal
    Old Bailey
    Central Criminal Court
    Special Measures
    Ground Rules Hearing
    Plea and Trial Preparation Hearing
    Section 28
    Pre-Trial Therapy
    Joint Governance Board
    Scrutiny Hub
    Scrutiny Hub Operations
    Independent Panel Members
    Lantern ISVA Service
    Beacon Advocacy
    Dalesford RASSO Unit
    Harbour Vale
    Harbour Vale RASSO Unit
    Dalesford Constabulary
    Local Scrutiny Panel
    Area Scrutiny Panel
    Teams meeting
    Microsoft Teams
    Good Friday
    White British
    White Irish
    White Other
    Black British
    Black African
    Black Caribbean
    Black Other
    Asian British
    Mixed White and Black Caribbean
    Mixed White and Black African
    Mixed White and Asian
    Gypsy or Irish Traveller
    Easter Monday
    Boxing Day
    Christmas Day
    New Year
    """
)

# Single words: acronyms, roles, agencies, platforms, days and months, nationalities and faiths
# used in monitoring fields, and the place names of the forces, CPS areas and courts.
DOMAIN_WORDS = _lines(
    """
    sim
    imei
    limeculture
    sarc
    sarcs
    isva
    isvas
    chisva
    chisvas
    idva
    idvas
    rasso
    abe
    cps
    oic
    vrr
    vlo
    nfa
    marac
    mappa
    mash
    camhs
    nhs
    npcc
    jnap
    ipoc
    iopc
    hmcpsi
    hmicfrs
    gp
    gps
    a&e
    dbs
    pnc
    dc
    ds
    di
    dci
    dsi
    pc
    psc
    sgt
    insp
    supt
    cps
    rasso
    nspcc
    barnardo's
    childline
    samaritans
    refuge
    soteria
    crown
    magistrates
    police
    constabulary
    isva
    whatsapp
    snapchat
    instagram
    facebook
    tiktok
    twitter
    telegram
    discord
    messenger
    youtube
    google
    iphone
    android
    imessage
    zoom
    teams
    covid
    covid-19
    january
    february
    march
    april
    may
    june
    july
    august
    september
    october
    november
    december
    jan
    feb
    mar
    apr
    jun
    jul
    aug
    sep
    sept
    oct
    nov
    dec
    monday
    tuesday
    wednesday
    thursday
    friday
    saturday
    sunday
    christmas
    easter
    ramadan
    eid
    diwali
    english
    welsh
    scottish
    irish
    british
    european
    asian
    african
    caribbean
    arab
    chinese
    indian
    pakistani
    bangladeshi
    polish
    romanian
    muslim
    christian
    jewish
    hindu
    sikh
    buddhist
    lgbt
    lgbtq
    lgbtq+
    england
    wales
    scotland
    britain
    uk
    gb
    london
    wessex
    mersey
    cheshire
    merseyside
    yorkshire
    humberside
    humber
    midlands
    chiltern
    thames
    cymru
    northumbria
    durham
    cleveland
    cumbria
    lancashire
    manchester
    derbyshire
    nottinghamshire
    leicestershire
    lincolnshire
    northamptonshire
    staffordshire
    warwickshire
    west mercia
    mercia
    hertfordshire
    bedfordshire
    cambridgeshire
    essex
    norfolk
    suffolk
    kent
    surrey
    sussex
    hampshire
    dorset
    wiltshire
    gloucestershire
    avon
    somerset
    devon
    cornwall
    gwent
    dyfed-powys
    dyfed
    powys
    wrexham
    cardiff
    swansea
    newport
    birmingham
    leeds
    sheffield
    bradford
    liverpool
    newcastle
    bristol
    nottingham
    leicester
    coventry
    southampton
    portsmouth
    reading
    oxford
    cambridge
    norwich
    ipswich
    chelmsford
    maidstone
    canterbury
    guildford
    lewes
    hove
    brighton
    winchester
    bournemouth
    exeter
    plymouth
    truro
    taunton
    gloucester
    worcester
    hereford
    shrewsbury
    stafford
    stoke
    stoke-on-trent
    derby
    northampton
    luton
    st albans
    aylesbury
    isleworth
    southwark
    snaresbrook
    woolwich
    croydon
    harrow
    wood green
    inner london
    blackfriars
    bolton
    burnley
    carlisle
    teesside
    middlesbrough
    sunderland
    hull
    york
    doncaster
    warrington
    mold
    caernarfon
    merthyr
    tel
    tel.
    fax
    email
    e-mail
    mobile
    nino
    dob
    ref
    urn
    nfa
    mg11
    mg3
    mg5
    bwv
    anpr
    cctv
    urdu
    punjabi
    bengali
    sylheti
    gujarati
    hindi
    tamil
    arabic
    kurdish
    farsi
    pashto
    dari
    somali
    tigrinya
    amharic
    portuguese
    spanish
    french
    italian
    german
    lithuanian
    latvian
    russian
    ukrainian
    albanian
    turkish
    mandarin
    cantonese
    vietnamese
    bsl
    makaton
    demo
    audi
    bmw
    ford
    vauxhall
    volkswagen
    vw
    toyota
    nissan
    honda
    kia
    hyundai
    peugeot
    renault
    citroen
    fiat
    skoda
    mercedes
    mercedes-benz
    volvo
    mazda
    lexus
    jaguar
    tesla
    corsa
    fiesta
    qashqai
    astra
    transit
    uber
    unknown
    dalesford
    lantern
    beacon
    north
    south
    east
    west
    north-east
    north-west
    south-east
    south-west
    central
    greater
    inner
    outer
    upper
    lower
    new
    old
    great
    royal
    county
    city
    valley
    vale
    st
    saint
    county
    borough
    council
    syria
    russia
    laos
    kosovo
    palestine
    czechia
    macedonia
    taiwan
    brunei
    burma
    myanmar
    ofsted
    ofcom
    cafcass
    hmrc
    dwp
    dvla
    nca
    ceop
    iwf
    hmpps
    hmcts
    hmp
    hmyoi
    yoi
    yot
    yos
    lado
    dsl
    senco
    ehcp
    pru
    cse
    cce
    hbv
    fgm
    vawg
    rui
    shpo
    shpos
    sro
    dvpn
    dvpo
    dapn
    dapo
    spo
    cbo
    vps
    dpp
    cjsm
    mg6
    mg6c
    mg6d
    mg6e
    mg1
    mg2
    mg4
    mg15
    niche
    athena
    storm
    pronto
    kooth
    galop
    nacro
    xbox
    playstation
    psn
    roblox
    fortnite
    minecraft
    twitch
    kik
    tinder
    hinge
    bumble
    grindr
    badoo
    omegle
    yubo
    wizz
    bereal
    onlyfans
    pornhub
    reddit
    viber
    wechat
    skype
    facetime
    gmail
    hotmail
    outlook
    icloud
    yahoo
    eritrean
    nigerian
    ghanaian
    sudanese
    afghan
    iranian
    iraqi
    syrian
    bulgarian
    hungarian
    slovak
    czech
    estonian
    moldovan
    georgian
    brazilian
    colombian
    jamaican
    zimbabwean
    kenyan
    ugandan
    congolese
    cameroonian
    ethiopian
    egyptian
    moroccan
    algerian
    libyan
    tunisian
    lankan
    nepalese
    filipino
    thai
    malaysian
    indonesian
    korean
    japanese
    american
    canadian
    australian
    dutch
    belgian
    swiss
    austrian
    swedish
    norwegian
    danish
    finnish
    greek
    cypriot
    maltese
    croatian
    serbian
    bosnian
    slovenian
    macedonian
    kosovan
    montenegrin
    belarusian
    chechen
    roma
    romani
    romanians
    traveller
    gypsy
    """
)

# Words that label an anonymised party or a part of a document when a letter or a number follows:
# "Case K", "Victim 2", "Officer B", "Recommendation 4". The label and its letter are not a name.
LABEL_WORDS = _lines(
    """
    case
    cases
    victim
    victims
    suspect
    suspects
    officer
    officers
    witness
    witnesses
    complainant
    complainants
    defendant
    defendants
    person
    child
    children
    male
    female
    man
    woman
    boy
    girl
    youth
    adult
    member
    panel
    exhibit
    count
    counts
    appendix
    annex
    section
    part
    table
    figure
    item
    recommendation
    recommendations
    finding
    action
    stage
    phase
    area
    force
    site
    room
    court
    group
    team
    subject
    nominal
    respondent
    participant
    survivor
    patient
    parent
    carer
    year
    option
    scenario
    file
    """
)


# Countries (Faker's country list, MIT) are places, not people; those that are also given names
# (Jordan, Chad, Georgia) are left to the name rules.
def countries() -> frozenset[str]:
    import faker.providers.address.en_US as address

    return frozenset(country.lower() for country in address.Provider.countries)


# Weekday abbreviations ("Mon\u2013Fri", "Sat 10-2"): domain language in a run of weekdays or
# before a time; alone they are left to the name rules ("Kyaw Thu", "Sun Li" are names).
WEEKDAY_ABBREVIATIONS = _lines(
    """
    mon
    tue
    tues
    wed
    weds
    thu
    thur
    thurs
    fri
    sat
    sun
    """
)


# UK towns, cities, districts and counties (agencies/privacy/data/uk_places.txt, public facts):
# places, not people. Those that are also given names (Chester, Preston) are left to the name rules.
def uk_places() -> frozenset[str]:
    from pathlib import Path

    path = Path(__file__).resolve().parent / "data" / "uk_places.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


# Given names that are also everyday English words. At the start of a sentence, in lower case or
# in capitals they are read as words unless the next word is a name too ("May Patel said…").
# In the middle of a sentence with a capital letter they are still treated as names.
AMBIGUOUS_GIVEN_NAMES = _lines(
    """
    will
    may
    mark
    hope
    grace
    joy
    faith
    rose
    bill
    summer
    dawn
    april
    june
    august
    ray
    rob
    sue
    pat
    don
    frank
    chase
    hunter
    sky
    river
    ivy
    holly
    amber
    lily
    iris
    daisy
    penny
    ruby
    crystal
    star
    storm
    angel
    destiny
    harmony
    honey
    melody
    page
    rich
    guy
    art
    drew
    gene
    lane
    major
    miles
    price
    sandy
    young
    long
    king
    case
    chance
    cash
    clay
    cliff
    dale
    dean
    glen
    heath
    jay
    kit
    lance
    mercy
    patience
    reed
    rock
    sage
    stone
    victor
    max
    al
    ed
    mo
    jo
    di
    bo
    abe
    roc
    ash
    carol
    joan
    don
    jean
    ken
    les
    lou
    val
    van
    vera
    viola
    wade
    win
    young
    sunny
    noble
    royal
    justice
    liberty
    unity
    blessing
    precious
    marshall
    mason
    carter
    cooper
    baker
    taylor
    parker
    porter
    hall
    best
    green
    white
    brown
    black
    gray
    grey
    wood
    hill
    north
    south
    east
    west
    """
)

# Two-letter given names (the name lists leave two-letter entries out, as most are words): read
# like the ambiguous names above, a name where a capital cannot be a word ("her friend Jo
# drove", "Li told the officer…"); never in capitals (ED, AL) or lower case.
SHORT_GIVEN_NAMES = _lines(
    """
    al
    bo
    di
    ed
    jo
    li
    lu
    mo
    ty
    vi
    """
)

# Verbs only a person does, in the past or present tense: an ambiguous given name ("Rose",
# "Mark", "Will", "May") that opens a sentence as their subject is a name ("Rose told the
# officer…"); as a word it never stands there ("Will told…" is not English).
PERSON_VERBS = _lines(
    """
    told
    tells
    said
    says
    reported
    disclosed
    stated
    explained
    described
    alleged
    claimed
    denied
    admitted
    recalled
    remembered
    confided
    testified
    insisted
    texted
    messaged
    phoned
    rang
    screamed
    cried
    """
)

# Words that introduce a name in prose: "her brother, Tom, …", "the victim, aisha, …".
RELATION_WORDS = _lines(
    """
    victim
    complainant
    survivor
    suspect
    defendant
    witness
    brother
    sister
    mother
    father
    mum
    mom
    dad
    son
    daughter
    partner
    ex-partner
    boyfriend
    girlfriend
    ex-boyfriend
    ex-girlfriend
    husband
    wife
    friend
    neighbour
    cousin
    uncle
    aunt
    auntie
    nan
    grandmother
    grandfather
    stepfather
    stepmother
    colleague
    teacher
    officer
    carer
    named
    called
    """
)

# Honorifics and police/CPS ranks that precede a surname ("DC Smith", "Mrs Okafor").
TITLES = _lines(
    """
    mr
    mrs
    ms
    miss
    mx
    dr
    prof
    sir
    dame
    lady
    lord
    rev
    revd
    dc
    ds
    di
    dci
    dsi
    pc
    psc
    sgt
    insp
    supt
    det
    detective
    constable
    sergeant
    inspector
    officer
    judge
    hhj
    recorder
    """
)
