"""A small inventory model. Try: diffcoder complete examples/inventory.py --at 21:9"""
from dataclasses import dataclass, field


@dataclass
class Item:
    name: str
    price: float
    quantity: int = 0


@dataclass
class Inventory:
    items: dict[str, Item] = field(default_factory=dict)

    def add(self, item: Item) -> None:
        self.items[item.name] = item

    def total_value(self) -> float:
        """Sum of price times quantity over all items."""
        

    def remove(self, name: str) -> Item:
        if name not in self.items:
            raise KeyError(f"no item named {name!r}")
        return self.items.pop(name)
