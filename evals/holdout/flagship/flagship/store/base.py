"""The storage interface every backend implements."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from flagship.keys import SdkKeyRecord
from flagship.models import Flag


class FlagStore(ABC):
    @abstractmethod
    def get(self, project: str, key: str) -> Flag | None:
        raise NotImplementedError

    @abstractmethod
    def put(self, flag: Flag) -> None:
        raise NotImplementedError

    @abstractmethod
    def list(self, project: str, order_by: str = "key") -> list[Flag]:
        raise NotImplementedError

    @abstractmethod
    def search(self, project: str, text: str) -> list[Flag]:
        raise NotImplementedError

    @abstractmethod
    def sdk_key_record(self, prefix: str) -> SdkKeyRecord | None:
        raise NotImplementedError

    def delete_sdk_key(self, prefix: str) -> bool:
        return False

    def put_many(self, flags: Iterable[Flag]) -> int:
        count = 0
        for flag in flags:
            self.put(flag)
            count += 1
        return count

    def watch(self, callback: Callable[[Flag], None]) -> None:
        """Backends that can push changes override this; the default polls nothing."""
        return None
