"""AWS adapters of newsbrief: settings, store/queue wiring, HTTP error mapping, API routers.

Shared by every function in functions/; may import powertools and boto3. The core ``newsbrief``
package never imports this one.
"""
