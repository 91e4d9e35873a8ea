"""Malay (Malaysia) or Indonesian: words one of them uses and the other does not.

fastText's lid.176 (the "lite" model) reads most Malay as Indonesian with Malay second, so when
either comes out on top the choice is made by these words; a tie keeps the detector's, the app
locale's or the conversation's choice (`bot.language.identify`). Written for buyers' after-sales
chat: spelling differences (rosak/rusak, wang/uang), vocabulary (kedai/toko, percuma/gratis,
semalam/kemarin) and the colloquial particles of each (tak, nak, dah / nggak, udah, dong).
"""

from __future__ import annotations

import re


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


MALAY = _words(
    """
    rosak rosakkan nak tak takde tiada xde xnak xleh dah kedai percuma wang duit ringgit rm
    bayaran pulangan pulangkan pemulangan dipulangkan hantar dihantar penghantaran menghantar
    hantarkan bungkusan poslaju kurier semalam esok kelmarin sikit sebab kerana betul mahu
    awak korang encik cik puan tuan sila telefon nombor akaun kad resit teruk lambat camne
    macammana mcm macam je jer saje sahaja jualan tq tqvm bagi kat dekat ape meh kot pastu
    kasut seluar barangan tempahan ditempah pengguna tukar gantikan
    skrin syampu pampasan fon nk dh pulak biadap takpe
    ni tu la x bila lepas selepas saiz caj baucar petang pasal maklumkan bil kod ganjaran
    agaknya isnin khamis jumaat ahad koyak calar mesej pembungkusan tarikh semak beza pejabat
    perlu tuntutan jugak camtu camni
    tempoh fikir fikiran memulangkan sekiranya
    """
)
INDONESIAN = _words(
    """
    rusak uang duitnya rupiah rp toko gratis kemarin besok sedikit karena karna benar bener
    mau nggak ngga gak ga enggak engga udah belom aja doang dong sih deh nih tuh kok banget
    gimana gmn gue gw lu lo elo kalian kak kakak mas mbak bang pak bu bapak silakan mohon
    telepon nomor akun kartu struk kuitansi parah telat terlambat pengiriman dikirim kirim
    kirimin paket kurir pengembalian dikembalikan kembalikan dana refundnya pesanannya
    tolongin barangnya bikin dikasih sepatu celana ongkir makasih terimakasih trims pengen
    kapan gitu gini bicara petugas pikir pikiran
    iya udh blm sampe retur dus ukuran mulu jelek ancur orderan batalin
    bisa dateng pake dipake nyampe kepotong pas kantor balikin beda dapet oke butuh hp resi
    resinya pesen cek dicek ternyata klaim rekening ilang bilang sore kode setelah senin kamis
    jumat sobek lecet kemasan harusnya seharusnya tanggal uangnya
    """
)
# "kenapa", "boleh", "barang", "saya", "ingin" and the like are shared and left out ("Saya ingin
# bertanya, berapa lama tempoh ... sekiranya saya berubah fikiran" is formal Malay: dev12 q30,
# read as Indonesian, was answered from the Indonesian book with a dispute's 48 hours).
_WORD = re.compile(r"[a-z]+")


def malay_or_indonesian(text: str) -> str | None:
    """ "ms", "id", or None when the distinctive words tie (none of either, or as many of each)."""
    words = _WORD.findall(text.lower())
    malay = sum(word in MALAY for word in words)
    indonesian = sum(word in INDONESIAN for word in words)
    if malay == indonesian:
        return None
    return "ms" if malay > indonesian else "id"


def distinctive_count(text: str) -> int:
    """How many of the message's words are Malay's or Indonesian's own (either list)."""
    return sum(word in MALAY or word in INDONESIAN for word in _WORD.findall(text.lower()))


def distinctive_share(text: str) -> float:
    """The share of the message's words that are Malay's or Indonesian's own (either list)."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0
    return sum(word in MALAY or word in INDONESIAN for word in words) / len(words)
