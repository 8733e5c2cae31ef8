"""The Bot Framework adapter, with the defects of botbuilder 4.17.1's ``CloudAdapter`` fixed.

Differences from ``CloudAdapter.process`` (each covered by tests):
- ``deliveryMode: expectReplies`` returns the buffered replies as JSON instead of a 500
  (the SDK serialises the ``ExpectedReplies`` body twice).
- An invoke whose handler returns a body returns that body once-serialised, not a 500.
- Any failure to authenticate (expired token included) is a 401 with a short reason,
  never a 500.
- Replies go out through one pooled aiohttp session (``ConnectorSender``) instead of a new
  msrest ``ConnectorClient`` per incoming activity; the msrest client the SDK's Teams helpers
  need is built once per service URL and cached.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import jwt
from botbuilder.core import CloudAdapterBase, InvokeResponse, TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ConversationReference,
    DeliveryModes,
    ResourceResponse,
)
from botframework.connector import Channels
from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    JwtTokenValidation,
)
from msrest.serialization import Model

from .auth import AuthUnavailable, TokenRejected, reason_for
from .auth_cache import ValidatedTokens
from .connector import ConnectorSender
from .wire import dumps, to_json

log = logging.getLogger(__name__)

TurnLogic = Callable[[TurnContext], Awaitable[None]]


class AuthenticationFailed(Exception):
    """The request's token was missing or invalid; ``reason`` is safe to show the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class TurnResult:
    """What the HTTP layer answers: a status and an optional JSON body."""

    status: int
    body: Any = None


def _to_json(value: Any) -> Any:
    """Serialise an SDK model exactly once; plain JSON values pass through."""
    if isinstance(value, Model):
        return to_json(value)
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    return value


class HelplineAdapter(CloudAdapterBase):
    """Runs one turn per inbound activity and sends replies through ``ConnectorSender``."""

    def __init__(
        self,
        authentication: BotFrameworkAuthentication,
        sender: ConnectorSender,
    ) -> None:
        super().__init__(authentication)
        self._sender = sender
        self._connector_clients: dict[tuple[str | None, str, str | None], Any] = {}
        self.validated_tokens = ValidatedTokens()
        self._anonymous: dict[tuple[str, str], AuthenticateRequestResult] = {}

    # ---- inbound -------------------------------------------------------------------------
    async def authenticate(
        self, activity: Activity, auth_header: str | None
    ) -> AuthenticateRequestResult:
        channel_id, service_url = activity.channel_id or "", activity.service_url or ""
        result = self.authenticated(auth_header, channel_id, service_url)
        if result is not None:
            return result
        result = await self._authenticate(activity, auth_header)
        if not auth_header:
            # Accepted without a header only when authentication is off (local mode); the
            # anonymous result is the same for every activity of a channel and service URL.
            if len(self._anonymous) < 1000:
                self._anonymous[(channel_id, service_url)] = result
        else:
            self.validated_tokens.put((auth_header, channel_id, service_url), result)
        return result

    def authenticated(
        self, auth_header: str | None, channel_id: str, service_url: str
    ) -> AuthenticateRequestResult | None:
        """The result :meth:`authenticate` gave earlier for this header, channel and service
        URL, while it is still valid; None when it has to be worked out (on the SDK path)."""
        if not auth_header:
            return self._anonymous.get((channel_id, service_url))
        return self.validated_tokens.get((auth_header, channel_id, service_url))

    async def _authenticate(
        self, activity: Activity, auth_header: str | None
    ) -> AuthenticateRequestResult:
        # The SDK's parameterised authentication treats only None as "no header": an empty
        # string reaches the token parser and fails with AttributeError (a 500 in 4.17.1).
        try:
            return await self.bot_framework_authentication.authenticate_request(
                activity, auth_header or None
            )
        except TokenRejected as error:
            raise AuthenticationFailed(error.reason) from error
        except AuthUnavailable:
            raise  # our failure, not the caller's: the server answers 503
        except (PermissionError, jwt.PyJWTError, KeyError, IndexError, ValueError) as error:
            raise AuthenticationFailed(reason_for(error)) from error
        except Exception as error:  # the SDK raises bare Exception for several auth failures
            log.warning("authentication failed: %s", type(error).__name__)
            raise AuthenticationFailed(reason_for(error)) from error

    async def process(self, auth_header: str | None, activity: Activity, logic: TurnLogic) -> TurnResult:
        """Authenticate ``activity``, run one turn, and say what to answer over HTTP."""
        result = await self.authenticate(activity, auth_header)
        activity.caller_id = result.caller_id
        context = await self._turn_context(activity, result, logic)
        await self.run_pipeline(context, logic)
        return self._turn_result(context)

    async def _turn_context(
        self, activity: Activity, result: AuthenticateRequestResult, logic: TurnLogic
    ) -> TurnContext:
        context = TurnContext(self, activity)
        context.turn_state[self.BOT_IDENTITY_KEY] = result.claims_identity
        context.turn_state[self.BOT_OAUTH_SCOPE_KEY] = result.audience
        context.turn_state[self.BOT_CALLBACK_HANDLER_KEY] = logic
        context.turn_state[self.CONNECTOR_FACTORY_KEY] = result.connector_factory
        context.turn_state[self.BOT_CONNECTOR_CLIENT_KEY] = await self._cached_connector_client(
            result, activity.service_url
        )
        return context

    async def _cached_connector_client(
        self, result: AuthenticateRequestResult, service_url: str
    ) -> Any:
        """The SDK's msrest client, for SDK helpers that need one (e.g. TeamsInfo); built once
        per (app id, service URL, audience) rather than once per activity."""
        app_id = JwtTokenValidation.get_app_id_from_claims(result.claims_identity.claims)
        key = (app_id, service_url, result.audience)
        client = self._connector_clients.get(key)
        if client is None and result.connector_factory is not None:
            client = await result.connector_factory.create(service_url, result.audience)
            self._connector_clients[key] = client
        return client

    def _turn_result(self, context: TurnContext) -> TurnResult:
        activity = context.activity
        if activity.delivery_mode == DeliveryModes.expect_replies:
            return TurnResult(
                HTTPStatus.OK,
                {"activities": [_to_json(a) for a in context.buffered_reply_activities]},
            )
        if activity.type == ActivityTypes.invoke:
            reply = context.turn_state.get(self._INVOKE_RESPONSE_KEY)
            if reply is None or not isinstance(reply.value, InvokeResponse):
                return TurnResult(HTTPStatus.NOT_IMPLEMENTED)
            invoke: InvokeResponse = reply.value
            return TurnResult(invoke.status or HTTPStatus.OK, _to_json(invoke.body))
        return TurnResult(HTTPStatus.OK)

    # ---- outbound ------------------------------------------------------------------------
    @staticmethod
    def _caller(context: TurnContext) -> tuple[str | None, str]:
        identity: ClaimsIdentity | None = context.turn_state.get(CloudAdapterBase.BOT_IDENTITY_KEY)
        app_id = JwtTokenValidation.get_app_id_from_claims(identity.claims) if identity else None
        audience = context.turn_state.get(CloudAdapterBase.BOT_OAUTH_SCOPE_KEY) or ""
        return app_id, audience

    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        app_id, audience = self._caller(context)
        responses: list[ResourceResponse] = []
        for activity in activities:
            activity.id = None
            if activity.type == "delay":
                await asyncio.sleep(float(activity.value or 1000) / 1000.0)
                responses.append(ResourceResponse(id=""))
            elif activity.type == ActivityTypes.invoke_response:
                context.turn_state[self._INVOKE_RESPONSE_KEY] = activity
                responses.append(ResourceResponse(id=""))
            elif activity.type == ActivityTypes.trace and activity.channel_id != Channels.emulator:
                responses.append(ResourceResponse(id=""))
            else:
                new_id = await self._sender.send(
                    activity.service_url,
                    activity.conversation.id,
                    dumps(activity),
                    reply_to_id=activity.reply_to_id,
                    app_id=app_id,
                    audience=audience,
                )
                responses.append(ResourceResponse(id=new_id))
        return responses

    async def update_activity(self, context: TurnContext, activity: Activity) -> ResourceResponse:
        app_id, audience = self._caller(context)
        new_id = await self._sender.update(
            activity.service_url,
            activity.conversation.id,
            activity.id,
            dumps(activity),
            app_id=app_id,
            audience=audience,
        )
        return ResourceResponse(id=new_id)

    async def delete_activity(self, context: TurnContext, reference: ConversationReference) -> None:
        app_id, audience = self._caller(context)
        await self._sender.delete(
            reference.service_url,
            reference.conversation.id,
            reference.activity_id,
            app_id=app_id,
            audience=audience,
        )
