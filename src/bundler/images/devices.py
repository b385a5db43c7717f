"""Device profiles: what a reader's screen (or the printed page) can show of a photo, and how closely it is looked at.

A photo is sized by what the reader will see, not by one limit for every device. A profile
is a viewing surface: its size in pixels, whether it can be turned, its pixel density, and
the perceptual target a photo must keep there (SSIM on luminance, see ``perceptual.py``).

- A **screen can be turned**: Kindle's publishing guidelines say the e-ink Kindles let the
  reader rotate an image to use more of the screen, and the Fire tablets and phone apps let
  them zoom and pan (Kindle Publishing Guidelines §3.6.6). So a photo on a screen is fitted to
  the screen in whichever orientation suits it: its long side at most the screen's long side,
  its short side at most the screen's short side. That is the largest it can ever be shown
  at one image pixel per screen pixel; anything more is bytes no reader sees.
- **Paper cannot be turned**: a printed photo is at most the box the print stylesheet gives it
  (``styles/pdf.css``: the text block's width, 140 mm, by ``figure img { max-height: 110mm }``),
  at the print resolution. A photo prepared within that box at the layout's resolution is
  embedded by WeasyPrint as it is, never decoded and encoded again.
- A pixel much smaller than the eye resolves at reading distance hides the finest detail: at
  30 cm one arc-minute is about 87 µm, the pitch of a 290 ppi screen. On the screens here
  (≥ 264 ppi) the measure compares photos at half resolution (``view_scale`` 2, each sample two
  device pixels across); JPEG's 8-pixel blocks are still four samples wide there, so blocking
  and ringing still count. Print at 200 ppi is compared at full resolution.
- **Baseline or progressive**: e-ink firmware decodes progressive JPEGs badly or not at all
  (Xteink's CrossPoint firmware shows the alt text instead, crosspoint-reader issue #1050,
  and its calibre plugin converts every image to baseline, calibre-plugins PR #7; CrossInk
  and Witchhunt decode only a progressive file's first DC scan, a 1/8-scale blocky picture,
  CrossInk issue #288, witchhunt-reader PR #80), and Adobe's older reader engines on Kobo and
  Kindle are as cautious; OUTPUT-QUALITY E5.1 asks for baseline in the EPUB. Phones and
  tablets decode progressive files everywhere, and in a phone browser (the HTML edition) a
  progressive photo shows whole, blurred, while it loads, and is a few per cent smaller.
  Inside a PDF progressive gains nothing (OUTPUT-QUALITY P8.8), so print stays baseline.

The perceptual targets are a starting point, higher where pixels are larger or looked at more
closely (tablet, print). At them the bench pairs (``bench/photo_pairs.py``) showed no difference
side by side on a desktop screen; the corpus photos are synthetic, so the targets still want
confirming with real photos on the devices themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

#: The largest a photo is printed: the A4 text block's width (140 mm, the 70-character measure) by
#: the tallest a figure's image may be (110 mm), both set in ``styles/pdf.css``.
PRINT_BOX_MM = (140, 110)


def _pixels(mm: float, ppi: int) -> int:
    """Whole pixels that fit ``mm`` at ``ppi``: rounded down, so the photo is never larger than drawn."""
    return int(mm / 25.4 * ppi)


@dataclass(frozen=True)
class DeviceProfile:
    """One kind of viewing surface: its size in pixels, whether it turns, its density, its SSIM target."""

    name: str
    width: int  # pixels across as usually held (portrait), or the printed text block's width
    height: int
    ppi: int
    ssim_target: float  # lowest SSIM (luminance, at ``view_scale``) a photo may keep
    turns: bool = True  # a screen can be turned (or the photo zoomed full screen); paper cannot
    progressive: bool = False
    max_bytes: int = 400_000  # a safety ceiling only: the perceptual measure chooses the quality
    description: str = ""

    @property
    def long_side(self) -> int:
        """The longest side a photo may have on this surface."""
        return max(self.width, self.height)

    @property
    def short_side(self) -> int:
        """The limit on a photo's shorter side (0: none beyond the long side, for paper that does not turn)."""
        return min(self.width, self.height) if self.turns else 0

    @property
    def view_scale(self) -> int:
        """How many device pixels make one sample of the perceptual measure (see the module docstring)."""
        return 2 if self.ppi >= 250 else 1

    def at_ppi(self, ppi: int) -> DeviceProfile:
        """A print profile at another resolution (the same text block, more or fewer pixels)."""
        width, height = _pixels(PRINT_BOX_MM[0], ppi), _pixels(PRINT_BOX_MM[1], ppi)
        description = f"print at {ppi} ppi of the drawn size: the largest photo box, 140 × 110 mm ({width} × {height} px); baseline JPEG"
        return replace(self, width=width, height=height, ppi=ppi, description=description)


EINK = DeviceProfile(
    "eink",
    1072,
    1448,
    ppi=300,
    ssim_target=0.97,
    description="6-inch e-ink reader (Kobo Clara, Kindle Paperwhite): 1072 × 1448 px at 300 ppi, grey; baseline JPEG",
)
PHONE = DeviceProfile(
    "phone",
    1080,
    2400,
    ppi=400,
    ssim_target=0.97,
    progressive=True,
    max_bytes=600_000,
    description="phone: 1080 × 2400 px at about 400 ppi; progressive JPEG",
)
TABLET = DeviceProfile(
    "tablet",
    1640,
    2360,
    ppi=264,
    ssim_target=0.98,
    progressive=True,
    max_bytes=900_000,
    description="10-inch tablet (iPad): 1640 × 2360 px at 264 ppi; progressive JPEG",
)
PRINT = DeviceProfile(
    "print",
    _pixels(PRINT_BOX_MM[0], 300),
    _pixels(PRINT_BOX_MM[1], 300),
    ppi=300,
    ssim_target=0.985,
    turns=False,
    max_bytes=1_000_000,
    description="print at 300 ppi of the drawn size: the largest photo box, 140 × 110 mm (1653 × 1299 px); baseline JPEG",
)

#: The profiles an edition may name in ``images: {device: NAME}``.
DEVICES: dict[str, DeviceProfile] = {profile.name: profile for profile in (EINK, PHONE, TABLET, PRINT)}
