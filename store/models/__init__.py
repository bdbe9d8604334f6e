"""All models. Importing this package registers every table on ``Base.metadata``."""

from store.models.base import Base  # noqa: F401
from store.models.commerce import *  # noqa: F401,F403
from store.models.support import *  # noqa: F401,F403
from store.models.security import *  # noqa: F401,F403
from store.models.canned import *  # noqa: F401,F403
from store.models.proactive import *  # noqa: F401,F403
from store.models.followups import *  # noqa: F401,F403
