"""moto_server for the tests, with two differences.

Requests are handled one at a time. DynamoDB makes each conditional write, atomic counter and
transaction atomic; moto's threaded server does not (its read-modify-write of an item can
interleave with another request's). The store contract races writers on purpose, so the tests
serialise requests to get DynamoDB's guarantee.

A transaction checks every condition first and writes only when all hold, instead of copying
the whole table (its stream's records included) once per item to roll back: with every filing
a transaction of some thirty items, moto's copies grew with the square of a test's writes and
made the emulator's tests time out. The outcome is the same: requests are serialised, no two
items of a transaction are the same (checked as moto does), so every condition sees the state
before the transaction, as DynamoDB's do.

Usage: python scripts/moto_server.py HOST PORT
"""

import os
import sys
import threading

from werkzeug.serving import run_simple

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.server import MotoRequestHandler


def transact_write_items(self, transact_items):
    """All conditions checked against the state before, then every write, or none."""
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    ops, seen, errors = [], set(), []
    for item in transact_items:
        if len(item) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(item.items()))
        if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
            raise ValueError("Unsupported transaction operation")
        name = op["TableName"]
        if op_type == "Put":
            table = self.get_table(name)
            key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = op["Item"][table.range_key_attr]
        else:
            key = op["Key"]
        unique = (str(name), str(dict(sorted(key.items()))))
        if unique in seen:
            raise MultipleTransactionsException()
        seen.add(unique)
        current = self.get_item(name, key)
        condition = op.get("ConditionExpression")
        names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
        if condition is not None and not get_filter_expression(condition, names, values).expr(current):
            old = None
            if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                old = current.to_json()["Attributes"]
            errors.append(("ConditionalCheckFailed", "The conditional request failed", old))
        else:
            errors.append((None, None, None))
        ops.append((op_type, op, name, key, names, values))
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)
    for op_type, op, name, key, names, values in ops:
        if op_type == "Put":
            self.put_item(name, op["Item"], expression_attribute_names=names, expression_attribute_values=values)
        elif op_type == "Delete":
            self.delete_item(name, key, expression_attribute_names=names, expression_attribute_values=values)
        elif op_type == "Update":
            self.update_item(
                name,
                key,
                update_expression=op["UpdateExpression"],
                expression_attribute_names=names,
                expression_attribute_values=values,
            )


DynamoDBBackend.transact_write_items = transact_write_items


class OneAtATime:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            # Read the whole answer inside the lock: the work happens while it is produced.
            return list(self.app(environ, start_response))


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, OneAtATime(app), threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
