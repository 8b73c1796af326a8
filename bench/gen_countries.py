"""Generate src/factcheck/data/countries.json from the compact country table below (written by hand)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

# ISO alpha-2 | short name | official names (;) | other names and abbreviations (;) | demonyms (;) | capital
TABLE = """
AF|Afghanistan|Islamic Republic of Afghanistan;Islamic Emirate of Afghanistan||Afghan;Afghani|Kabul
AL|Albania|Republic of Albania||Albanian|Tirana
DZ|Algeria|People's Democratic Republic of Algeria||Algerian|Algiers
AD|Andorra|Principality of Andorra||Andorran|Andorra la Vella
AO|Angola|Republic of Angola||Angolan|Luanda
AG|Antigua and Barbuda||Antigua|Antiguan;Barbudan|St. John's
AR|Argentina|Argentine Republic||Argentine;Argentinian;Argentinean|Buenos Aires
AM|Armenia|Republic of Armenia||Armenian|Yerevan
AU|Australia|Commonwealth of Australia||Australian;Aussie|Canberra
AT|Austria|Republic of Austria||Austrian|Vienna
AZ|Azerbaijan|Republic of Azerbaijan||Azerbaijani;Azeri|Baku
BS|Bahamas|Commonwealth of The Bahamas|The Bahamas|Bahamian|Nassau
BH|Bahrain|Kingdom of Bahrain||Bahraini|Manama
BD|Bangladesh|People's Republic of Bangladesh||Bangladeshi|Dhaka
BB|Barbados|||Barbadian;Bajan|Bridgetown
BY|Belarus|Republic of Belarus|Byelorussia;Belorussia|Belarusian;Belarusan;Byelorussian|Minsk
BE|Belgium|Kingdom of Belgium||Belgian|Brussels
BZ|Belize|||Belizean|Belmopan
BJ|Benin|Republic of Benin|Dahomey|Beninese|Porto-Novo
BT|Bhutan|Kingdom of Bhutan||Bhutanese|Thimphu
BO|Bolivia|Plurinational State of Bolivia||Bolivian|Sucre
BA|Bosnia and Herzegovina||Bosnia;Bosnia-Herzegovina;BiH|Bosnian;Herzegovinian|Sarajevo
BW|Botswana|Republic of Botswana||Motswana;Batswana;Botswanan|Gaborone
BR|Brazil|Federative Republic of Brazil|Brasil|Brazilian|Brasilia
BN|Brunei|Brunei Darussalam;Nation of Brunei||Bruneian|Bandar Seri Begawan
BG|Bulgaria|Republic of Bulgaria||Bulgarian|Sofia
BF|Burkina Faso||Upper Volta|Burkinabe;Burkinabé|Ouagadougou
BI|Burundi|Republic of Burundi||Burundian|Gitega
CV|Cabo Verde|Republic of Cabo Verde|Cape Verde|Cape Verdean;Cabo Verdean|Praia
KH|Cambodia|Kingdom of Cambodia|Kampuchea|Cambodian;Khmer|Phnom Penh
CM|Cameroon|Republic of Cameroon||Cameroonian|Yaounde
CA|Canada|||Canadian|Ottawa
CF|Central African Republic||CAR|Central African|Bangui
TD|Chad|Republic of Chad||Chadian|N'Djamena
CL|Chile|Republic of Chile||Chilean|Santiago
CN|China|People's Republic of China|PRC;P.R.C.;Mainland China;Red China|Chinese|Beijing
CO|Colombia|Republic of Colombia||Colombian|Bogota
KM|Comoros|Union of the Comoros||Comorian|Moroni
CG|Republic of the Congo|Republic of the Congo|Congo-Brazzaville;Congo Republic|Congolese|Brazzaville
CD|Democratic Republic of the Congo|Democratic Republic of the Congo|DRC;DR Congo;D.R. Congo;Congo-Kinshasa;Zaire|Congolese|Kinshasa
CR|Costa Rica|Republic of Costa Rica||Costa Rican|San Jose
CI|Ivory Coast|Republic of Côte d'Ivoire|Côte d'Ivoire;Cote d'Ivoire|Ivorian|Yamoussoukro
HR|Croatia|Republic of Croatia||Croatian;Croat|Zagreb
CU|Cuba|Republic of Cuba||Cuban|Havana
CY|Cyprus|Republic of Cyprus||Cypriot|Nicosia
CZ|Czech Republic|Czech Republic|Czechia|Czech|Prague
DK|Denmark|Kingdom of Denmark||Danish;Dane|Copenhagen
DJ|Djibouti|Republic of Djibouti||Djiboutian|
DM|Dominica|Commonwealth of Dominica||Dominican|Roseau
DO|Dominican Republic||DR|Dominican|Santo Domingo
EC|Ecuador|Republic of Ecuador||Ecuadorian;Ecuadorean|Quito
EG|Egypt|Arab Republic of Egypt||Egyptian|Cairo
SV|El Salvador|Republic of El Salvador|Salvador|Salvadoran;Salvadorean|San Salvador
GQ|Equatorial Guinea|Republic of Equatorial Guinea||Equatorial Guinean;Equatoguinean|Malabo
ER|Eritrea|State of Eritrea||Eritrean|Asmara
EE|Estonia|Republic of Estonia||Estonian|Tallinn
SZ|Eswatini|Kingdom of Eswatini|Swaziland|Swazi;Liswati|Mbabane
ET|Ethiopia|Federal Democratic Republic of Ethiopia|Abyssinia|Ethiopian|Addis Ababa
FJ|Fiji|Republic of Fiji||Fijian|Suva
FI|Finland|Republic of Finland||Finnish;Finn|Helsinki
FR|France|French Republic||French;Frenchman|Paris
GA|Gabon|Gabonese Republic||Gabonese|Libreville
GM|Gambia|Republic of The Gambia|The Gambia|Gambian|Banjul
GE|Georgia|||Georgian|Tbilisi
DE|Germany|Federal Republic of Germany|Deutschland;FRG|German|Berlin
GH|Ghana|Republic of Ghana|Gold Coast|Ghanaian|Accra
GR|Greece|Hellenic Republic|Hellas|Greek;Hellenic|Athens
GD|Grenada|||Grenadian|St. George's
GT|Guatemala|Republic of Guatemala||Guatemalan|Guatemala City
GN|Guinea|Republic of Guinea|Guinea-Conakry|Guinean|Conakry
GW|Guinea-Bissau|Republic of Guinea-Bissau||Bissau-Guinean|Bissau
GY|Guyana|Co-operative Republic of Guyana||Guyanese|Georgetown
HT|Haiti|Republic of Haiti||Haitian|Port-au-Prince
HN|Honduras|Republic of Honduras||Honduran|Tegucigalpa
HU|Hungary|||Hungarian;Magyar|Budapest
IS|Iceland|||Icelandic;Icelander|Reykjavik
IN|India|Republic of India|Bharat|Indian|New Delhi
ID|Indonesia|Republic of Indonesia||Indonesian|Jakarta
IR|Iran|Islamic Republic of Iran|Persia|Iranian;Persian|Tehran
IQ|Iraq|Republic of Iraq||Iraqi|Baghdad
IE|Ireland|Republic of Ireland|Eire;Éire|Irish|Dublin
IL|Israel|State of Israel||Israeli|Jerusalem
IT|Italy|Italian Republic|Italia|Italian|Rome
JM|Jamaica|||Jamaican|Kingston
JP|Japan|State of Japan|Nippon;Nihon|Japanese|Tokyo
JO|Jordan|Hashemite Kingdom of Jordan||Jordanian|Amman
KZ|Kazakhstan|Republic of Kazakhstan||Kazakh;Kazakhstani|Astana
KE|Kenya|Republic of Kenya||Kenyan|Nairobi
KI|Kiribati|Republic of Kiribati||I-Kiribati|Tarawa
KP|North Korea|Democratic People's Republic of Korea|DPRK;D.P.R.K.;N. Korea|North Korean|Pyongyang
KR|South Korea|Republic of Korea|ROK;R.O.K.;S. Korea;Korea|South Korean;Korean|Seoul
XK|Kosovo|Republic of Kosovo||Kosovar;Kosovan|Pristina
KW|Kuwait|State of Kuwait||Kuwaiti|Kuwait City
KG|Kyrgyzstan|Kyrgyz Republic|Kirghizia|Kyrgyz;Kyrgyzstani|Bishkek
LA|Laos|Lao People's Democratic Republic|Lao PDR|Lao;Laotian|Vientiane
LV|Latvia|Republic of Latvia||Latvian|Riga
LB|Lebanon|Lebanese Republic||Lebanese|Beirut
LS|Lesotho|Kingdom of Lesotho||Basotho;Mosotho|Maseru
LR|Liberia|Republic of Liberia||Liberian|Monrovia
LY|Libya|State of Libya||Libyan|Tripoli
LI|Liechtenstein|Principality of Liechtenstein||Liechtensteiner|Vaduz
LT|Lithuania|Republic of Lithuania||Lithuanian|Vilnius
LU|Luxembourg|Grand Duchy of Luxembourg||Luxembourgish;Luxembourger|
MG|Madagascar|Republic of Madagascar||Malagasy;Madagascan|Antananarivo
MW|Malawi|Republic of Malawi||Malawian|Lilongwe
MY|Malaysia|||Malaysian|Kuala Lumpur
MV|Maldives|Republic of Maldives|The Maldives|Maldivian|Male
ML|Mali|Republic of Mali||Malian|Bamako
MT|Malta|Republic of Malta||Maltese|Valletta
MH|Marshall Islands|Republic of the Marshall Islands||Marshallese|Majuro
MR|Mauritania|Islamic Republic of Mauritania||Mauritanian|Nouakchott
MU|Mauritius|Republic of Mauritius||Mauritian|Port Louis
MX|Mexico|United Mexican States||Mexican|Mexico City
FM|Micronesia|Federated States of Micronesia||Micronesian|Palikir
MD|Moldova|Republic of Moldova||Moldovan|Chisinau
MC|Monaco|Principality of Monaco||Monegasque;Monacan|
MN|Mongolia|||Mongolian|Ulaanbaatar
ME|Montenegro|||Montenegrin|Podgorica
MA|Morocco|Kingdom of Morocco||Moroccan|Rabat
MZ|Mozambique|Republic of Mozambique||Mozambican|Maputo
MM|Myanmar|Republic of the Union of Myanmar|Burma|Burmese;Myanmarese|Naypyidaw;Naypyitaw;Nay Pyi Taw
NA|Namibia|Republic of Namibia||Namibian|Windhoek
NR|Nauru|Republic of Nauru||Nauruan|Yaren
NP|Nepal|Federal Democratic Republic of Nepal||Nepali;Nepalese|Kathmandu
NL|Netherlands|Kingdom of the Netherlands|The Netherlands;Holland|Dutch;Netherlander|Amsterdam;The Hague
NZ|New Zealand||Aotearoa;NZ|New Zealander;Kiwi|Wellington
NI|Nicaragua|Republic of Nicaragua||Nicaraguan|Managua
NE|Niger|Republic of the Niger||Nigerien|Niamey
NG|Nigeria|Federal Republic of Nigeria||Nigerian|Abuja
MK|North Macedonia|Republic of North Macedonia|Macedonia;FYROM|Macedonian|Skopje
NO|Norway|Kingdom of Norway||Norwegian|Oslo
OM|Oman|Sultanate of Oman||Omani|Muscat
PK|Pakistan|Islamic Republic of Pakistan||Pakistani|Islamabad
PW|Palau|Republic of Palau||Palauan|Ngerulmud
PS|Palestine|State of Palestine|Palestinian Territories;Palestinian Authority|Palestinian|Ramallah
PA|Panama|Republic of Panama||Panamanian|Panama City
PG|Papua New Guinea|Independent State of Papua New Guinea|PNG|Papua New Guinean|Port Moresby
PY|Paraguay|Republic of Paraguay||Paraguayan|Asuncion
PE|Peru|Republic of Peru||Peruvian|Lima
PH|Philippines|Republic of the Philippines|The Philippines|Filipino;Philippine|Manila
PL|Poland|Republic of Poland||Polish;Pole|Warsaw
PT|Portugal|Portuguese Republic||Portuguese|Lisbon
QA|Qatar|State of Qatar||Qatari|Doha
RO|Romania|||Romanian|Bucharest
RU|Russia|Russian Federation|Russian Federation|Russian|Moscow;the Kremlin;Kremlin
RW|Rwanda|Republic of Rwanda||Rwandan|Kigali
KN|Saint Kitts and Nevis|Federation of Saint Kitts and Nevis|St. Kitts and Nevis|Kittitian;Nevisian|Basseterre
LC|Saint Lucia||St. Lucia|Saint Lucian;St. Lucian|Castries
VC|Saint Vincent and the Grenadines||St. Vincent and the Grenadines;St. Vincent|Vincentian|Kingstown
WS|Samoa|Independent State of Samoa||Samoan|Apia
SM|San Marino|Republic of San Marino||Sammarinese|
ST|Sao Tome and Principe|Democratic Republic of São Tomé and Príncipe|São Tomé and Príncipe|Santomean|São Tomé
SA|Saudi Arabia|Kingdom of Saudi Arabia|KSA|Saudi;Saudi Arabian|Riyadh
SN|Senegal|Republic of Senegal||Senegalese|Dakar
RS|Serbia|Republic of Serbia||Serbian;Serb|Belgrade
SC|Seychelles|Republic of Seychelles||Seychellois|Victoria
SL|Sierra Leone|Republic of Sierra Leone||Sierra Leonean|Freetown
SG|Singapore|Republic of Singapore||Singaporean|
SK|Slovakia|Slovak Republic||Slovak;Slovakian|Bratislava
SI|Slovenia|Republic of Slovenia||Slovenian;Slovene|Ljubljana
SB|Solomon Islands|||Solomon Islander|Honiara
SO|Somalia|Federal Republic of Somalia||Somali;Somalian|Mogadishu
ZA|South Africa|Republic of South Africa|RSA|South African|Pretoria
SS|South Sudan|Republic of South Sudan||South Sudanese|Juba
ES|Spain|Kingdom of Spain|España|Spanish;Spaniard|Madrid
LK|Sri Lanka|Democratic Socialist Republic of Sri Lanka|Ceylon|Sri Lankan|Colombo;Sri Jayawardenepura Kotte
SD|Sudan|Republic of the Sudan|The Sudan|Sudanese|Khartoum
SR|Suriname|Republic of Suriname|Surinam|Surinamese|Paramaribo
SE|Sweden|Kingdom of Sweden||Swedish;Swede|Stockholm
CH|Switzerland|Swiss Confederation||Swiss|Bern;Berne
SY|Syria|Syrian Arab Republic||Syrian|Damascus
TW|Taiwan|Republic of China|ROC;R.O.C.;Chinese Taipei;Formosa|Taiwanese|Taipei
TJ|Tajikistan|Republic of Tajikistan||Tajik;Tajikistani|Dushanbe
TZ|Tanzania|United Republic of Tanzania||Tanzanian|Dodoma
TH|Thailand|Kingdom of Thailand|Siam|Thai|Bangkok
TL|Timor-Leste|Democratic Republic of Timor-Leste|East Timor|Timorese;East Timorese|Dili
TG|Togo|Togolese Republic||Togolese|Lome
TO|Tonga|Kingdom of Tonga||Tongan|Nuku'alofa
TT|Trinidad and Tobago|Republic of Trinidad and Tobago|Trinidad|Trinidadian;Tobagonian|Port of Spain
TN|Tunisia|Republic of Tunisia||Tunisian|Tunis
TR|Turkey|Republic of Türkiye;Republic of Turkey|Türkiye;Turkiye|Turkish;Turk|Ankara
TM|Turkmenistan|||Turkmen;Turkmenistani|Ashgabat
TV|Tuvalu|||Tuvaluan|Funafuti
UG|Uganda|Republic of Uganda||Ugandan|Kampala
UA|Ukraine|||Ukrainian|Kyiv;Kiev
AE|United Arab Emirates||UAE;U.A.E.;Emirates|Emirati;Emirian|Abu Dhabi
GB|United Kingdom|United Kingdom of Great Britain and Northern Ireland|UK;U.K.;Britain;Great Britain;GB|British;Briton;Brit|London;Westminster;Whitehall;Downing Street
US|United States|United States of America|U.S.;US;U.S.A.;USA;America;the States;U.S.A|American;U.S.;US|Washington;Washington, D.C.;Washington D.C.;White House
UY|Uruguay|Oriental Republic of Uruguay||Uruguayan|Montevideo
UZ|Uzbekistan|Republic of Uzbekistan||Uzbek;Uzbekistani|Tashkent
VU|Vanuatu|Republic of Vanuatu||Ni-Vanuatu;Vanuatuan|Port Vila
VA|Vatican City|Vatican City State;Holy See|Vatican;The Vatican;Holy See|Vatican|
VE|Venezuela|Bolivarian Republic of Venezuela||Venezuelan|Caracas
VN|Vietnam|Socialist Republic of Vietnam|Viet Nam|Vietnamese|Hanoi
YE|Yemen|Republic of Yemen||Yemeni;Yemenite|Sanaa;Sana'a
ZM|Zambia|Republic of Zambia||Zambian|Lusaka
ZW|Zimbabwe|Republic of Zimbabwe|Rhodesia|Zimbabwean|Harare
HK|Hong Kong|Hong Kong Special Administrative Region|HKSAR|Hongkonger;Hong Konger|
MO|Macau|Macao Special Administrative Region|Macao|Macanese|
PR|Puerto Rico|Commonwealth of Puerto Rico||Puerto Rican|San Juan
GL|Greenland|||Greenlandic;Greenlander|Nuuk
EH|Western Sahara|Sahrawi Arab Democratic Republic||Sahrawi|Laayoune
AS|American Samoa|||American Samoan|Pago Pago
AI|Anguilla|||Anguillan|The Valley
AQ|Antarctica||||
AW|Aruba|||Aruban|Oranjestad
AX|Åland Islands||Aland Islands;Åland|Ålandic|Mariehamn
BL|Saint Barthélemy||St. Barts;Saint Barthelemy||Gustavia
BM|Bermuda|||Bermudian|Hamilton
BQ|Caribbean Netherlands||Bonaire;Bonaire, Sint Eustatius and Saba|||
BV|Bouvet Island|||||
CC|Cocos (Keeling) Islands||Cocos Islands;Keeling Islands|||
CK|Cook Islands|||Cook Islander|Avarua
CW|Curaçao||Curacao|Curaçaoan|Willemstad
CX|Christmas Island||||Flying Fish Cove
FK|Falkland Islands||Falklands;Malvinas;Islas Malvinas|Falkland Islander|Stanley
FO|Faroe Islands||Faroes;Faeroe Islands|Faroese|Torshavn
GF|French Guiana|||French Guianese|Cayenne
GG|Guernsey|Bailiwick of Guernsey||Guernsey|St Peter Port
GI|Gibraltar|||Gibraltarian|
GP|Guadeloupe|||Guadeloupean|Basse-Terre
GS|South Georgia and the South Sandwich Islands||South Georgia|||
GU|Guam|||Guamanian;Chamorro|Hagatna
HM|Heard Island and McDonald Islands|||||
IM|Isle of Man||Mann|Manx|Douglas
IO|British Indian Ocean Territory||Chagos Islands;Chagos Archipelago|||
JE|Jersey|Bailiwick of Jersey|||Saint Helier
KY|Cayman Islands||Caymans|Caymanian|George Town
MF|Saint Martin||St. Martin|||Marigot
MP|Northern Mariana Islands|Commonwealth of the Northern Mariana Islands|Northern Marianas|Northern Mariana Islander|Saipan
MQ|Martinique|||Martinican|Fort-de-France
MS|Montserrat|||Montserratian|Plymouth
NC|New Caledonia|||New Caledonian|Noumea
NF|Norfolk Island|||Norfolk Islander|Kingston
NU|Niue|||Niuean|Alofi
PF|French Polynesia||Tahiti|French Polynesian;Tahitian|Papeete
PM|Saint Pierre and Miquelon|||Saint-Pierrais|Saint-Pierre
PN|Pitcairn Islands||Pitcairn|Pitcairn Islander|Adamstown
RE|Réunion||Reunion|Réunionese|Saint-Denis
SH|Saint Helena, Ascension and Tristan da Cunha||Saint Helena;St. Helena|Saint Helenian|Jamestown
SJ|Svalbard and Jan Mayen||Svalbard|||Longyearbyen
SX|Sint Maarten|||Sint Maartener|Philipsburg
TC|Turks and Caicos Islands||Turks and Caicos|Turks and Caicos Islander|Cockburn Town
TF|French Southern Territories||French Southern and Antarctic Lands|||
TK|Tokelau|||Tokelauan|
UM|United States Minor Outlying Islands|||||
VG|British Virgin Islands|Virgin Islands (British)|BVI|British Virgin Islander|Road Town
VI|United States Virgin Islands|Virgin Islands of the United States|U.S. Virgin Islands;USVI|U.S. Virgin Islander|Charlotte Amalie
WF|Wallis and Futuna|||Wallisian;Futunan|Mata-Utu
YT|Mayotte|||Mahoran|Mamoudzou
"""


def build() -> dict[str, object]:
    countries = []
    for line in TABLE.strip().splitlines():
        cells = (line.split("|") + [""] * 6)[:6]
        code, name, official, other, demonyms, capital = (c.strip() for c in cells)

        def split(cell: str) -> list[str]:
            return [x.strip() for x in cell.split(";") if x.strip()]

        countries.append(
            {
                "id": code,
                "name": name,
                "official": split(official),
                "aliases": split(other),
                "demonyms": split(demonyms),
                "capitals": split(capital),
            }
        )
    ids = [c["id"] for c in countries]
    if len(ids) != len(set(ids)):
        raise SystemExit("duplicate country id")
    return {"version": 1, "countries": sorted(countries, key=lambda c: str(c["id"]))}


def main(argv: list[str]) -> int:
    out = (
        Path(argv[0])
        if argv
        else Path(__file__).resolve().parent.parent / "src/factcheck/data/countries.json"
    )
    out.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
