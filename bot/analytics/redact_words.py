"""Word lists of the redactor: what must stay (brands, countries, chat words), what is never a
name, honorifics, and the gazetteer of the six markets' cities and districts."""

from __future__ import annotations

import re

# --- word lists -----------------------------------------------------------------------------------


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


# Brands, shops, wallets and couriers the small model likes to call PERSON or GPE. An entity
# that starts with one is left alone. Words that are also given names (Max, Kerry) are not here.
# Callers with a product catalogue pass it as ``keep_terms``.
DEFAULT_KEEP_TERMS = _words(
    """
    apple iphone ipad macbook airpods samsung galaxy xiaomi redmi oppo vivo realme huawei
    oneplus nokia sony lg philips panasonic sharp toshiba tefal dyson lenovo asus acer dell hp
    logitech razer anker baseus ugreen jbl bose nintendo playstation xbox canon nikon gopro
    fujifilm nike adidas puma uniqlo zara h&m ikea lego casio seiko cetaphil innisfree
    maybelline loreal l'oreal nivea garnier laneige cosrx skintific wardah jollibee starbucks
    shopee lazada tokopedia tiktok zalora grab grabpay gcash shopeepay truemoney momo zalopay
    ovo gopay atome akulaku kredivo spaylater paylater visa mastercard jcb amex unionpay paypal
    whatsapp zalo viber telegram facebook instagram messenger spx j&t ninjavan lalamove
    poslaju gdex jne sicepat dhl fedex ups
    """
)

# Countries stay (see the module docstring); cities and districts go.
COUNTRIES = _words(
    """
    singapore malaysia thailand vietnam philippines indonesia china japan korea taiwan india
    usa america uk australia brunei cambodia myanmar laos
    """
) | {"viet nam", "hong kong", "south korea"}

# Greetings and function words of the six markets' chat that the model takes for names
# ("helo", "tolong hubungi", "landline namin"). Only their lower-case forms are trimmed: "Ang"
# and "Minh" are names, "ang" and "minh" are particles. The cluster labels use them as stop
# words too.
CHAT_WORDS = _words(
    """
    hi hii hello helo hallo halo hey yo dear bro sis boss kak kakak ka kah krub krap kha ja
    lah la leh lor loh meh mah ah ya yah yeah ok okay pls plz please tq thanks thx sorry
    po opo naman na ba ko ako mo namin kami yung ang ng sa nasa si ni mga wala pera sana paki
    akong kuya ate kase kasi talaga lang din rin hindi pa pwede sobrang dapat daw raw niyo nyo
    ito iyan yan bakit paano kailan saan wag huwag ayaw gusto pano bayad sira dumating
    saya aku kamu anda tolong hubungi dan yang di ke dari untuk pakai kena dua satu tiga nya
    ini itu sudah belum tidak nggak gak mau minta bisa kirim ada masalah nama alamat pesanan
    kartu kredit debit terima kasih dong deh sih kalau sudah sekali dengan boleh tak tapi
    jadi lagi juga sama barang beli bayar rosak rusak dah nak
    em anh chị chi ạ nhé nha ơi oi shop chào chao người nhận giao gửi đơn hàng giùm giúp
    được chưa không bị hư bi hu rồi roi mình minh tôi toi cho xin sđt sdt duoc chua khong ko
    vay nhe
    khun krub nong phi
    kayo sila siya kami tayo natin nila niya ninyo tawag tawagan padala order ko nyo
    kotak kosong sampai datang paket resi nomor nombor hantar terima salah rosak pesan
    số so định dinh danh của cua và va là la có co đã da này nay đó do với voi thì thi mà ma
    nhưng nhung để de vì vi nên nen tiền tien hoàn hoan nhận nhan muốn muon hủy huy
    """
)
# Capitalised words that open a sentence in the markets' chat, or name an identity document;
# the English model takes them for a name or a place when they stand alone ("Nama saya ...",
# "Yung order ko", "KTP").
_NOT_ALONE = _words(
    """
    nama alamat yung salam barang pesanan paket resi kotak tolong mohon halo
    ktp nik nric fin ic mykad cccd cmnd umid tin sss psn philsys philid
    """
)
# Form-field words buyers put before their data ("email ...", "tel ...", "name ...").
_FIELD_WORDS = _words(
    "email mail tel phone hp wa whatsapp number no contact name address order refund parcel"
)
_NOT_NAME_EDGES = CHAT_WORDS | _FIELD_WORDS
# Sentence-opening greetings are trimmed whatever their case ("Hi Siti" -> "Hi [NAME]").
_GREETINGS = _words("hi hii hello helo hallo halo hey dear chào chao kak bro sis")

_HONORIFICS = (
    r"Mr|Mrs|Ms|Miss|Mdm|Madam|Dr|Encik|Cik|Puan|Tuan|Datuk|Dato'?|Bapak|Pak|Ibu|Bu|Mbak|"
    r"Khun|khun|Kuya|Ate|Tita|Tito|Sir|Ma'am|Anh|Chị|Cô|Chú|anh|chị|cô|chú|Mas"
)
_HONORIFIC_WORDS = frozenset(w.lower().rstrip("'?") for w in _HONORIFICS.split("|"))
# Lower-case words that sit inside names (Juan dela Cruz, Siti binti Hassan, Ma. Theresa).
_NAME_PARTICLES = _words("bin binti binte bte bt a/l a/p al dela de del delos van von der ma.")
# Words that start a new thought, never a name or place, even when capitalised.
_NOT_NAMES = _words(
    """
    i i'm im my the a an this that it its is are was order orders parcel item items refund
    return tracking please pls thanks thank hi hello call email phone tel hp address and or
    but so can could would will pick pickup deliver delivery rider courier seller shop ask
    name nama recipient penerima january february march april may june july august september
    october november december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday
    wednesday thursday friday saturday sunday today tomorrow yesterday customer issue problem
    office home level floor unit block blk lot tower district ward
    """
)
# ... of which these end a name that has started ("Nguyen Van An" keeps "An", "May" is a name).
_NAME_BREAKERS = _words(
    """
    i i'm im my the a this that it is are was and or but so order parcel item refund pls please
    thanks call email phone tel hp here from at in on to for with
    """
)

# Cities and districts of the six markets that the small model misses or calls PERSON/ORG.
# Ambiguous ones (Solo, Hue, Vinh, San Juan, Rizal: also words, names or streets) are left out.
_GAZETTEER = """
Ang Mo Kio|Bedok|Bishan|Bukit Batok|Bukit Merah|Bukit Panjang|Bukit Timah|Choa Chu Kang|Clementi|
Geylang|Hougang|Jurong East|Jurong West|Kallang|Pasir Ris|Punggol|Queenstown|Sembawang|Sengkang|
Serangoon|Tampines|Toa Payoh|Woodlands|Yishun|Tiong Bahru|Tanjong Pagar|Bugis|Changi|Boon Lay|
Kuala Lumpur|Petaling Jaya|Shah Alam|Subang Jaya|Klang|Puchong|Cyberjaya|Putrajaya|Seremban|
Melaka|Malacca|Johor Bahru|Ipoh|Penang|George Town|Butterworth|Kuantan|Kota Bharu|Kuala Terengganu|
Alor Setar|Kota Kinabalu|Kuching|Miri|Sandakan|Bangsar|Cheras|Kajang|Selangor|Sabah|Sarawak|
Kedah|Perak|Pahang|Kelantan|Terengganu|Negeri Sembilan|Mont Kiara|Setapak|Rawang|Bukit Jalil|
Bangkok|Chiang Mai|Chiang Rai|Phuket|Pattaya|Hat Yai|Songkhla|Khon Kaen|Udon Thani|
Nakhon Ratchasima|Korat|Nonthaburi|Pathum Thani|Samut Prakan|Ayutthaya|Hua Hin|Krabi|Surat Thani|
Ubon Ratchathani|Rayong|Chonburi|Sukhumvit|Silom|Sathorn|Bang Na|Lat Phrao|Chatuchak|Huai Khwang|
Ratchathewi|Bang Kapi|Phaya Thai|Watthana|Khlong Toei|
Hanoi|Ha Noi|Hà Nội|Ho Chi Minh City|HCMC|TP.HCM|Saigon|Sài Gòn|Da Nang|Đà Nẵng|Hai Phong|
Hải Phòng|Can Tho|Cần Thơ|Bien Hoa|Biên Hòa|Dong Nai|Đồng Nai|Nha Trang|Huế|Vung Tau|Vũng Tàu|
Da Lat|Đà Lạt|Thu Duc|Thủ Đức|Binh Duong|Bình Dương|Hoan Kiem|Cau Giay|Cầu Giấy|Dong Da|Đống Đa|
Ba Dinh|Tan Binh|Binh Thanh|Bình Thạnh|Go Vap|Quang Ninh|Bac Ninh|Hai Duong|
Metro Manila|Manila|Quezon City|Makati|Pasig|Taguig|Mandaluyong|Pasay|Paranaque|Parañaque|
Las Pinas|Las Piñas|Muntinlupa|Marikina|Caloocan|Valenzuela|Malabon|Cebu City|Cebu|Mandaue|
Lapu-Lapu|Davao City|Davao|Iloilo|Bacolod|Cagayan de Oro|Zamboanga|Baguio|Antipolo|Cavite|Bacoor|
Imus|Dasmarinas|Dasmariñas|Laguna|Calamba|Batangas|Pampanga|Bulacan|Malolos|
Jakarta Selatan|Jakarta Pusat|Jakarta Barat|Jakarta Timur|Jakarta Utara|Jakarta|Surabaya|Bandung|
Bekasi|Depok|Tangerang Selatan|Tangerang|Bogor|Semarang|Yogyakarta|Jogja|Surakarta|Malang|Medan|
Palembang|Makassar|Denpasar|Bali|Batam|Pekanbaru|Balikpapan|Samarinda|Pontianak|Banjarmasin|
Manado|Cirebon|Sidoarjo|Kebayoran Baru|Menteng|Kemang|Cikarang|Serpong
"""
_PLACES = re.compile(
    r"(?<![\w])(?:"
    + "|".join(re.escape(p.strip()) for p in sorted(_GAZETTEER.split("|"), key=len, reverse=True))
    + r")(?![\w])"
)
