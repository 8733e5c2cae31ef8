"""Irish physical danger and routing widened on the irish5 branch (issue 18): a carbon monoxide
alarm sounding with people ill, gas left on with a headache, sounds in the house with fear or
the night, a person with dementia and an empty bed or an open door, a double dose by mistake,
a car in water, someone pinned under a tractor or a wall, a scream for help, the h- forms
("a haghaidh", "a hanáil"), fever with confusion, staring without answering; an Irish
scammer's story; and the look-alikes that must stay ordinary. Every wording here is this file's
own, not a labelled set's.
"""

from __future__ import annotations

import pytest

from intents.classifier import Classifier

EMERGENCY = "emergency"


@pytest.mark.parametrize(
    "text",
    [
        # a CO alarm sounding, with people ill (standard, no fadas, code-mixed)
        "tá aláram aonocsaíde carbóin na cistine ag screadach agus tá meadhrán ar m'fhear",
        "ta an brathadoir CO ag bipeail agus ta tinneas cinn ar Dhaideo",
        "the CO alarm is ag bualadh agus tá na páistí ag caitheamh aníos",
        # gas left on or escaping, with a headache or sickness
        "d'fhág Daid an sorn gáis ar siúl ó aréir agus tá sé an-chodlatach anois",
        "tá an coire ag siosarnach agus tá múisiam orainn go léir",
        "d'fhág sé an cooker ar siúl ar feadh na hoíche agus tá meadhrán air",
        # sounds in the house: breaking glass at night, a door with fear
        "cloisim fuinneog á briseadh ar chúl an tí agus tá sé i lár na hoíche",
        "chuala mé coiscéimeanna sa halla agus níl éinne eile sa teach, tá eagla orm",
        "tá duine ag útamáil leis an nglas agus tá mé i m'aonar",
        "tá duine éigin sa teach istoíche agus tá mé liom féin",
        # dementia: the bed empty, the door open, wandered off
        "tá néaltrú ar m'uncail agus tá an leaba folamh ar maidin",
        "d'imigh Mamó ar seachrán, tá alzheimers uirthi agus tá sé ag éirí dorcha",
        # a double dose by mistake, an overdose named
        "thug mé dhá dháileog dá leigheas croí do Dhaid agus tá sé trína chéile",
        "rinne sí ródháil táibléad agus níl sí ag dúiseacht",
        "chuir sé barraíocht insilín isteach agus tá sé ag cur allais agus trína chéile",
        # a car in the water, pinned under a machine or a wall
        "chuaigh veain isteach san abhainn ag an droichead agus tá fear sáinnithe istigh",
        "tá m'athair gafa faoin leantóir sa chlós",
        "thit an cruach adhmaid anuas ar an bhfear agus tá sé brúite",
        # a scream for help next door
        "cloisim bean ag screadach ar chabhair sa teach béal dorais",
        # the h- forms: her face, her breath
        "tá a haghaidh ar leataobh go tobann agus níl sí in ann labhairt",
        "níl sí in ann a hanáil a tharraingt agus tá sí ag dul gorm",
        # blood pumping, blood that won't be stopped, Connacht "chuile áit"
        "tá fuil ag scairdeadh as a lámh tar éis an tsábha",
        "níl mé in ann an fhuil a stopadh óna cheann",
        # fever with confusion, staring without answering, food gone back on him
        "tá fiabhras an-ard air agus níl aithne aige orainn",
        "tá sí ag stánadh ar an mballa agus ní thugann sí aon fhreagra",
        "chuaigh píosa cnáimhe siar air agus níl sé in ann análú",
        # flood coming in with someone who cannot get out
        "tá tuile ag teacht isteach sa teach agus tá Mam ar mhaidí croise",
        # a slip and cannot stir; an arm gone useless with odd speech
        "sciorr Daideo sa chlós agus níl sé in ann cor a chur as",
        "tá a chaint ag sleamhnú agus tá a lámh dheas gan mhaith",
        # smoke said in English inside Irish
        "tá smoke ag teacht faoin doras sa seomra leapa",
        # blood brought up, the chest "tinneas" with a numb arm, an allergy with swelling
        "tá Daideo ag caitheamh fola",
        "tá tinneas trom ina chliabh agus tá a lámh chlé ag dul bodhar",
        "d'ith sí pis talún agus tá a scornach ag dúnadh",
        # a fall with a twisted leg, struck by a van, a rash that won't fade, not back from the hill
        "shleamhnaigh Mam ar an staighre agus tá a cos casta fúithi",
        "leagadh mo mhac le veain taobh amuigh den scoil",
        "tá spotaí dearga ar an leanbh nach n-imíonn faoin ngloine",
        "níor fhill Seáinín ón sliabh agus tá sé ag éirí dorcha",
        # a flood with an old man alone, a torch round the house in the small hours
        "tá an abhainn thar a bruach agus tá seanfhear ina aonar sa teach",
        "tá tóirse ag dul timpeall an tí ag a dó ar maidin",
        "tá uisce ag teacht aníos tríd an urlár agus tá Mamó sa chathaoir rothaí",
    ],
)
def test_irish_physical_danger(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == EMERGENCY, (text, result.intent, result.intents)
    assert result.emergency_kind == "danger", (text, result.emergency_kind)


@pytest.mark.parametrize(
    "text, expect",
    [
        # the past, told with the need
        ("bhí Daid an-tinn anuraidh ach anois níl uaidh ach dinnéar te", "hot_meals"),
        (
            "bhí stróc uirthi anuraidh, an féidir síob a fháil chuig an gclinic di?",
            "medical_transport",
        ),
        # "éigeandála" before a service: a prescription
        ("oideas éigeandála do m'fhear céile, an féidir é a bhailiú?", "prescriptions"),
        # a cold house with no turf, a fire lit in the range
        ("tá an teach préachta agus níl fód fágtha sa chró", "fuel_delivery"),
        ("las mé an tine sa range ar maidin, tá an chistin te anois", None),
        # alarms that are ordinary: a clock, a smoke alarm's battery, a CO alarm to be checked
        ("buaileann an t-aláram ag a seacht agus táim tinn tuirseach de", None),
        (
            "tá an t-aláram ag bualadh arís, tá mo cheann tinn ón torann, an féidir é a mhúchadh?",
            None,
        ),
        (
            "buaileadh le carr mé nuair a bhí mé óg, anois teastaíonn síob chuig an ospidéal",
            "medical_transport",
        ),
        ("tá an t-aláram deataigh ag bípeáil mar tá an ceallra lag", None),
        (
            "an bhféadfadh duine aláram CO a chur suas dom? tá sé ag bípeáil, tá an ceallra lag",
            None,
        ),
        # sounds at night that are family, or nothing
        ("chuala mé an doras ag oscailt istoíche, mo mhac ag teacht abhaile", None),
        ("cloisim na comharsana ag caint i lár na hoíche", None),
        ("chuala mé coiscéimeanna agus bhí eagla orm ach ní raibh ann ach an madra", None),
        # children screaming, and help asked with the dinner
        (
            "bíonn na páistí ag screadach is ag bualadh a chéile, ba mhaith liom cabhair le béile",
            "hot_meals",
        ),
        # dementia and a nursing home, a call asked for
        ("tá néaltrú ar Dhaid agus níl sé sa teach seo níos mó, tá sé sa teach altranais", None),
        ("tá alzheimers ar Mham, an nglaofadh duine uirthi gach seachtain?", "friendly_call"),
        # too many tablets to take, a daily double dose
        (
            "an iomarca piollaí le tógáil agus tá mearbhall orm leo, an féidir leis an bpoitigéir cabhrú?",
            "prescriptions",
        ),
        # the vet not answering; blood and a laugh
        ("tá an láir tinn agus níl an tréidlia ag freagairt", None),
        ("thug an cat luch isteach, fuil ar fud na cistine haha", None),
        # a car in the flood last year, a tractor stuck in the bog
        (
            "bhí an carr faoi uisce anuraidh agus níl carr agam ó shin, teastaíonn síob chuig an ospidéal",
            "medical_transport",
        ),
        ("tá an tarracóir sáite sa phortach arís", None),
        # swollen ankles, a nut allergy with a meal, busy ("thar maoil"), the coal man late
        ("tá a rúitíní ata arís, an féidir a chuid piollaí uisce a bhailiú?", "prescriptions"),
        (
            "tá mé thar maoil le hobair agus tá Mam ina haonar, an nglaofadh duine uirthi?",
            "friendly_call",
        ),
        (
            "níor tháinig fear an ghuail ar ais ón bportach fós agus tá an mhóin ídithe",
            "fuel_delivery",
        ),
        (
            "thit sí anuraidh agus bhris sí a cromán, teastaíonn síob uaithi chuig an ospidéal",
            "medical_transport",
        ),
        # "an Fód Dubh" is a place, not a sod of turf
        (
            "tá m'uncail thiar ar an bhFód Dubh agus níl éinne ag caint leis, an nglaofadh duine air?",
            "friendly_call",
        ),
    ],
)
def test_irish_look_alikes(text: str, expect: str | None, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent != EMERGENCY, (text, result.emergency_kind, result.evidence)
    assert result.intent == expect, (text, result.intent, result.intents)


@pytest.mark.parametrize(
    "text, expect",
    [
        ("an nglaofadh duine ar m'athair anois is arís?", ("friendly_call",)),
        ("ní bhuaileann aon duine isteach chugam ó cailleadh Máire", ("friendly_call",)),
        ("is fada na hoícheanta anseo, níl agam ach an raidió", ("friendly_call",)),
        ("níl tada le cur sa stóbh agus tá sé préachta", ("fuel_delivery",)),
        ("buidéal gáis don chócaireán le do thoil", ("fuel_delivery",)),
        ("tá sé beo ar bhrioscaí agus tae le seachtain", ("hot_meals",)),
        ("an nglaofaidh duine uirthi Dé Domhnaigh? ní labhraíonn sí le héinne", ("friendly_call",)),
        ("tá na cófraí folamh agus níl mé in ann dul amach", ("groceries",)),
        (
            "tá sé ar dhialasú i gCaisleán an Bharraigh, an bhfuil iompar ar fáil?",
            ("medical_transport",),
        ),
        (
            "glaoch gach seachtain do Mham agus í a thabhairt chuig clinic na súl",
            ("friendly_call", "medical_transport"),
        ),
    ],
)
def test_irish_routing(text: str, expect: tuple[str, ...], classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert tuple(result.intents) == expect, (text, result.intents, result.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "ghlaoigh fear orm ag rá go raibh sé ón ESB agus theastaigh uimhir mo chárta bainc uaidh",
        "fuair mé téacs ag rá go bhfuil tine sa teach ag mo mhac agus go gcaithfinn airgead a sheoladh",
    ],
)
def test_irish_scam_story(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent != EMERGENCY, (text, result.evidence)
    assert result.topic == "scam", (text, result.topic, result.intents)
