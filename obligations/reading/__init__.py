"""The reading stage: a page image in, its words out, read as well as one engine can.

In order, for a page with no usable text layer (`read_page`):

1. `condition`: measure the page (text height, specks, grain, contrast) and rescale,
   denoise or despeckle it where the measurement asks for it;
2. the engine's reading of the whole page;
3. the follow-up re-reads (`FOLLOW_UPS`, in this order) for the type the page looks like,
   each a module of its own: what one pass misses, read again in regions of the page;
4. `second_look`: a page of small print whose fields are still missing or invalid, read
   again whole, larger and sharper, and followed up; a field it gives valid is taken;
5. once the document's type is known: `figures` doubts a value its second reading disagreed
   with, `invalid_values` reads invalid ones again, and `to_page_pixels` puts the boxes back on
   the page as given.
"""

from __future__ import annotations

from ..backends.base import Backend, PageText
from ..doctypes import DocType
from .breves import reread_lost_breves
from .digit_boxes import read_digit_boxes
from .doubtful_values import reread_doubtful_values
from .dropped_lines import read_dropped_lines
from .figures import reread_figures
from .machine_zone import reread_machine_zone
from .misread_words import reread_misread_words
from .near_labels import reread_near_labels
from .vertical_fields import read_vertical_fields

# Each step reads again what the steps before it left wrong or missing, and replaces a page's
# words only with a reading that validates or is clearly surer.
FOLLOW_UPS = (
    reread_misread_words,  # words in the other script, or far fewer letters than their box holds
    reread_lost_breves,  # 'И' after a vowel in a value, read again with room above it for the breve of a 'Й'
    read_vertical_fields,  # a field printed along an edge (a passport's number)
    read_dropped_lines,  # lines the page segmentation dropped: a sparse second reading
    reread_machine_zone,  # a machine-readable zone, read in Latin
    read_digit_boxes,  # a number with check digits printed one figure to a box, cell by cell
    reread_near_labels,  # numbers with check digits and dates, near their labels
    reread_doubtful_values,  # text values read unsure, or a name in pieces, in their own box
    reread_figures,  # figures with no check digit read again in Latin script: a second opinion
)


def follow_up(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """What one OCR pass misses on a page of `doctype`, read again in regions of its upright
    `image` (the page as read: conditioned, turned upright)."""
    for step in FOLLOW_UPS:
        step(page, image, doctype, backend)
    page.followed_up = doctype.id
